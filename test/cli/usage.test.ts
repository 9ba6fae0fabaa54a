import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { cli } from './run-cli.js';
import { InvalidArgumentError } from 'commander';
import { blockSizeArg } from '../../src/cli/options.js';
import { MIN_BLOCK_SIZE } from '../../src/index/block-index.js';

const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

test('--version prints the package version', async () => {
  const r = await cli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), pkg.version);
});

test('--help lists every command', async () => {
  const r = await cli(['--help']);
  assert.equal(r.code, 0);
  for (const c of ['build|b', 'diff', 'patch|p']) assert.match(r.stdout, new RegExp(c.replace('|', '\\|')));
});

for (const c of ['build', 'diff', 'patch']) {
  test(`${c} --help describes its arguments and --threads`, async () => {
    const r = await cli([c, '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(`Usage: deltasync ${c}`));
    assert.match(r.stdout, /--threads <n>/);
  });
}

const usageErrors: [string, string[], RegExp][] = [
  ['an unknown command', ['bogus'], /unknown command 'bogus'/],
  ['a missing argument', ['diff', 'only-one'], /missing required argument 'index'/],
  ['a block size of 0', ['build', 'x', '--block-size', '0'], /argument '0' is invalid\. 0 is out of range \(\d+ B to 16 MiB\)/],
  ['an absurd block size', ['build', 'x', '-b', '4G'], /4G is out of range/],
  ['a block size too large to hold', ['build', 'x', '-b', '99999999999999999999'], /99999999999999999999 is out of range/],
  ['standard output as the index', ['build', 'x', '-o', '-'], /not to standard output/],
  ['standard output as the patch result', ['patch', 'a', 'b', 'c', '-o', '-'], /not to standard output/],
  ['a block size that is not a number', ['build', 'x', '-b', 'lots'], /not a size/],
  ['zero threads', ['diff', 'a', 'b', '--threads', '0'], /must be a whole number from 1 to 256/],
  ['zero threads with -p (as in go-sync)', ['diff', 'a', 'b', '-p', '0'], /must be a whole number from 1 to 256/],
  ['an unknown hash', ['build', 'x', '--hash', 'crc32'], /crc32.*invalid|Allowed choices/],
  ['two different outputs', ['patch', 'a', 'b', 'c', 'd', '-o', 'e'], /two outputs given/],
  ['a strong length of 0', ['build', 'x', '--hash', 'sha256', '--strong-length', '0'], /strong length 0 is out of range/],
  ['a strong length longer than the digest', ['build', 'x', '--strong-length', '99'], /strong length 99 is out of range for md5/],
  ['gosync format with another hash', ['build', 'x', '--format', 'gosync', '--hash', 'sha256'], /gosync format takes only/],
];
for (const [what, args, message] of usageErrors) {
  test(`wrong usage: ${what} exits 2 with a one-line reason`, async () => {
    const r = await cli(args);
    assert.equal(r.code, 2);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.match(r.stderr, /^deltasync: /);
    assert.equal(r.stdout, '');
  });
}

test('block sizes are read with binary units: k, K, Ki, KiB, M, MiB, MB', () => {
  const cases: [string, number][] = [['8192', 8192], ['64k', 65536], ['64K', 65536], ['64Ki', 65536], ['64KiB', 65536], ['1M', 1 << 20], ['1Mi', 1 << 20], ['1MiB', 1 << 20], ['1MB', 1 << 20], ['16M', 16 << 20]];
  for (const [text, n] of cases) assert.equal(blockSizeArg(text), n, text);
  for (const text of ['1G', '0', String(MIN_BLOCK_SIZE - 1), '17M', '1.5k', 'k', '-1']) assert.throws(() => blockSizeArg(text), InvalidArgumentError, text);
});

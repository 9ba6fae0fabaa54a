import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { cli, type CliResult, tempDir } from './run-cli.js';

let t: Awaited<ReturnType<typeof tempDir>>;
const ref = randomBytes(50_000);
const old = Buffer.concat([ref.subarray(0, 20_000), randomBytes(3000), ref.subarray(30_000)]);
let index: Buffer;

before(async () => {
  t = await tempDir();
  await writeFile(t.path('ref'), ref);
  await writeFile(t.path('old'), old);
  await chmod(t.path('old'), 0o666);
  assert.equal((await cli(['build', t.path('ref'), '-b', '1024'])).code, 0);
  index = await readFile(t.path('ref.gosync'));
  const bad = Buffer.from(ref);
  bad[25_000] ^= 0xff; // block 24 (1024-byte blocks), which the old copy lacks
  await writeFile(t.path('ref-bad'), bad);
});
after(() => t.done());

/** A failure: exit 1, one line on stderr that starts with deltasync: and matches `message`. */
function assertFailure(r: CliResult, message: RegExp): void {
  assert.equal(r.code, 1, `exit code, stderr: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  assert.match(lines[0], /^deltasync: /);
  assert.match(lines[0], message);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

async function noLeftovers(): Promise<void> {
  const names = await readdir(t.dir);
  assert.deepEqual(names.filter((n) => n.includes('deltasync-tmp')), []);
}

test('a missing local file', async () => {
  assertFailure(await cli(['diff', t.path('nope'), t.path('ref.gosync')]), /cannot read .*nope: no such file or directory/);
});

test('a missing index file', async () => {
  assertFailure(await cli(['diff', t.path('old'), t.path('nope.gosync')]), /cannot read index .*nope\.gosync: no such file/);
});

test('a missing file to build', async () => {
  assertFailure(await cli(['build', t.path('nope')]), /cannot read .*nope: no such file/);
});

test('an unreadable file', async () => {
  await writeFile(t.path('secret'), ref);
  await chmod(t.path('secret'), 0o000);
  assertFailure(await cli(['build', t.path('secret'), '-o', t.path('secret.gosync')], { obeyPermissions: true }), /cannot read .*secret: permission denied/);
});

test('a directory where a file is expected', async () => {
  await mkdir(t.path('folder'), { recursive: true });
  assertFailure(await cli(['diff', t.path('folder'), t.path('ref.gosync')]), /cannot read .*folder: is a directory/);
  assertFailure(await cli(['diff', t.path('old'), t.path('folder')]), /folder: is a directory/);
  assertFailure(await cli(['patch', t.path('old'), t.path('ref.gosync'), t.path('folder'), t.path('o')]), /folder: is a directory/);
});

const badIndexes: [string, () => Buffer, RegExp][] = [
  ['a wrong magic', () => Buffer.concat([Buffer.from('NOTGOS'), index.subarray(6)]), /not a go-sync, deltasync or zsync index/],
  ['an unsupported major version', () => {
    const b = Buffer.from(index);
    b.writeUInt16LE(7, 6);
    return b;
  }, /unsupported index version 7\.2\.1/],
  ['a truncated body', () => index.subarray(0, index.length - 7), /truncated index: 973 bytes of block records, expected 980 \(49 blocks of 1024 bytes for a file of 50000 bytes\)/],
  ['an over-long body', () => Buffer.concat([index, Buffer.alloc(20)]), /over-long index: 1000 bytes of block records, expected 980/],
  ['a truncated header', () => index.subarray(0, 15), /truncated index: the header ends before its file size/],
  ['a block size of 0', () => {
    const b = Buffer.from(index);
    b.writeUInt32LE(0, 20);
    return b;
  }, /block size 0 is out of range/],
  ['an absurd block size', () => {
    const b = Buffer.from(index);
    b.writeUInt32LE(0xfffffff0, 20);
    return b;
  }, /block size 4294967280 is out of range/],
];
for (const [what, make, message] of badIndexes) {
  test(`an index with ${what}`, async () => {
    const name = `bad-${what.replace(/\W+/g, '-')}.gosync`;
    await writeFile(t.path(name), make());
    const r = await cli(['diff', t.path('old'), t.path(name)]);
    assertFailure(r, message);
    assert.ok(r.stderr.includes(name), 'names the index file');
  });
}

test('a reference that does not match its index fails, names the offset, and writes nothing', async () => {
  const r = await cli(['patch', t.path('old'), t.path('ref.gosync'), t.path('ref-bad'), '-o', t.path('out')]);
  assertFailure(r, /ref-bad: block 24 at offset 24576 does not match the index/);
  await assert.rejects(readFile(t.path('out')), { code: 'ENOENT' });
  assert.deepEqual(await readFile(t.path('old')), old);
  await noLeftovers();
});

test('a failed patch in place leaves the local file intact', async () => {
  await writeFile(t.path('inplace'), old);
  const r = await cli(['patch', t.path('inplace'), t.path('ref.gosync'), t.path('ref-bad')]);
  assertFailure(r, /does not match the index/);
  assert.deepEqual(await readFile(t.path('inplace')), old);
  await noLeftovers();
});

test('a reference of another size than its index says is refused before the scan', async () => {
  await writeFile(t.path('ref-short'), ref.subarray(0, 22_000));
  const r = await cli(['patch', t.path('old'), t.path('ref.gosync'), t.path('ref-short'), '-o', t.path('out')]);
  assertFailure(r, /ref-short: the reference is 22000 bytes, its index describes 50000/);
  await noLeftovers();
});

test('an output folder that cannot be written', async () => {
  await mkdir(t.path('locked'), { recursive: true });
  await chmod(t.path('locked'), 0o555);
  const r = await cli(['patch', t.path('old'), t.path('ref.gosync'), t.path('ref'), '-o', t.path('locked/out')], { obeyPermissions: true });
  assertFailure(r, /locked\/out: permission denied/);
  const missing = await cli(['build', t.path('ref'), '-o', t.path('no/such/dir/x.gosync')]);
  assert.equal(missing.code, 2, 'a folder that does not exist is wrong usage, found before the build');
  assert.match(missing.stderr, /the output folder .*no\/such\/dir does not exist/);
});

test('a reference that cannot be read is reported before the scan, even when every block is local', async () => {
  const r = await cli(['patch', t.path('ref'), t.path('ref.gosync'), t.path('no-such-ref'), '-o', t.path('out-noref')]);
  assertFailure(r, /cannot read .*no-such-ref: no such file or directory/);
  assert.deepEqual((await readdir(t.dir)).filter((n) => n.startsWith('out-noref')), []);
});

test('a patch whose output is the index in use is refused as wrong usage', async () => {
  const r = await cli(['patch', t.path('old'), t.path('ref.gosync'), t.path('ref'), '-o', t.path('ref.gosync')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^deltasync: the output .*ref\.gosync would overwrite the index .* in use\.\n$/);
  assert.deepEqual(await readFile(t.path('ref.gosync')), index);
});

test('an output that is a FIFO is refused, and stays a FIFO', { timeout: 10_000 }, async () => {
  const fifo = t.path('out-fifo');
  execFileSync('mkfifo', [fifo]);
  const r = await cli(['patch', t.path('old'), t.path('ref.gosync'), t.path('ref'), '-o', fifo]);
  assertFailure(r, /cannot write .*out-fifo: not a regular file/);
  assert.ok((await lstat(fifo)).isFIFO());
  await noLeftovers();
});

test('--debug adds the stack trace', async () => {
  const r = await cli(['--debug', 'diff', t.path('nope'), t.path('ref.gosync')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^deltasync: cannot read/);
  assert.match(r.stderr, /\n\s+at /);
});

test('a FIFO where a file is expected is refused at once, not waited on', { timeout: 10_000 }, async () => {
  const fifo = t.path('pipe');
  execFileSync('mkfifo', [fifo]);
  assertFailure(await cli(['diff', fifo, t.path('ref.gosync')]), /cannot read .*pipe: not a regular file/);
  assertFailure(await cli(['diff', t.path('old'), fifo]), /cannot read index .*pipe: not a regular file/);
});

import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { seededBytes } from '../helpers/random.js';
import { cli, tempDir } from './run-cli.js';

// What a user gets for a bad name or number: one line in their terms, exit 2, before any work.
let t: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  t = await tempDir();
  await writeFile(t.path('ref'), seededBytes(81, 100_000));
  assert.equal((await cli(['build', t.path('ref')])).code, 0);
  assert.equal((await cli(['build', t.path('ref'), '--format', 'deltasync', '-o', t.path('d.idx')])).code, 0);
});
after(() => t.done());

async function usage(args: string[], message: RegExp): Promise<void> {
  const r = await cli(args);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, message);
  assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
}

test('an output name too long for the file system is refused up front, not after the build', async () => {
  const long = t.path('x'.repeat(300));
  await usage(['build', t.path('ref'), '-o', long], /^deltasync: the output name is 300 bytes long; file systems take at most 255\.$/m);
  await usage(['patch', t.path('ref'), t.path('ref.gosync'), t.path('ref'), '-o', long], /the output name is 300 bytes long/);
});

test('an empty output name, and an output folder that does not exist', async () => {
  await usage(['build', t.path('ref'), '-o', ''], /^deltasync: the output name is empty\.$/m);
  await usage(['build', t.path('ref'), '-o', t.path('no-folder/x.gosync')], /^deltasync: the output folder .*no-folder does not exist\.$/m);
  await usage(['patch', t.path('ref'), t.path('ref.gosync'), t.path('ref'), '-o', t.path('no-folder/out')], /the output folder .*no-folder does not exist/);
  assert.deepEqual((await readdir(t.dir)).filter((n) => n.includes('tmp')), []);
});

test('a thread count that is not a whole number from 1 to 256', async () => {
  for (const p of ['-1', '0', '1.5', '257', 'two']) {
    await usage(['diff', t.path('ref'), t.path('ref.gosync'), '-p', p], /argument '.*' is invalid\. must be a whole number from 1 to 256\./);
  }
});

test('an index whose hash name length is out of range says so', async () => {
  const bytes = await readFile(t.path('d.idx'));
  bytes[28] = 200;
  await writeFile(t.path('bad.idx'), bytes);
  const r = await cli(['diff', t.path('ref'), t.path('bad.idx')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^deltasync: .*bad\.idx: block hash name length 200 is out of range \(0 to 32 bytes\)\n$/);
});

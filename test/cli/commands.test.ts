import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { lstat, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { writeIndexFile } from '../../src/format/index-file.js';
import { buildIndex } from '../../src/index/build.js';
import { cli, tempDir } from './run-cli.js';

let t: Awaited<ReturnType<typeof tempDir>>;
const ref = randomBytes(300_000);
// An older copy: a prefix changed, a slice dropped, bytes inserted; the tail kept.
const old = Buffer.concat([randomBytes(500), ref.subarray(2000, 120_000), randomBytes(77), ref.subarray(150_000)]);

before(async () => {
  t = await tempDir();
  await writeFile(t.path('ref'), ref);
  // The indexes later tests use, made here so that each test stands on its own.
  await writeIndexFile(await buildIndex(t.path('ref'), { blockSize: 1024 }), t.path('ref.gosync'));
  await writeIndexFile(await buildIndex(t.path('ref'), { blockSize: 1024, strongHash: 'blake3', strongLength: 8, fileHash: 'sha256' }), t.path('ref.v1'));
  await writeFile(t.path('first'), ref);
  await writeFile(t.path('old'), old);
});
after(() => t.done());

test('build writes <file>.gosync in go-sync format by default', async () => {
  const r = await cli(['build', t.path('first'), '--block-size', '1024']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Wrote .*first\.gosync \(gosync, 293 blocks of 1\.0 KiB/);
  const idx = await readFile(t.path('first.gosync'));
  assert.equal(idx.subarray(0, 6).toString(), 'G0S9NC');
  assert.equal(idx.length, 24 + 293 * 20);
});

test('b is build; -o, --hash and --json choose the deltasync format', async () => {
  const r = await cli(['--json', 'b', t.path('ref'), '-o', t.path('b.v1'), '--hash', 'blake3', '--strong-length', '8', '-b', '1k']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.format, 'deltasync');
  assert.equal(j.strongHash, 'blake3');
  assert.equal(j.fileHash, 'sha256');
  assert.equal(j.blocks, 293);
  assert.equal((await stat(t.path('b.v1'))).size, j.indexBytes);
  assert.deepEqual(await readFile(t.path('b.v1')), await readFile(t.path('ref.v1')), 'the CLI writes what the library writes');
});

test('diff prints go-sync diff fields, and the same as JSON', async () => {
  const text = await cli(['diff', t.path('old'), t.path('ref.gosync'), '--threads', '1']);
  assert.equal(text.code, 0, text.stderr);
  for (const label of ['Block size', 'Blocks', 'Matched blocks', 'Matched bytes', 'Bytes to fetch', 'Comparisons', 'Weak hits', 'Weak hit rate', 'Strong hits', 'Weak error rate', 'Time']) {
    assert.match(text.stdout, new RegExp(`^${label}:`, 'm'));
  }
  const j = JSON.parse((await cli(['--json', 'diff', t.path('old'), t.path('ref.gosync')])).stdout);
  assert.equal(j.blocks, 293);
  assert.ok(j.matchedBlocks > 200 && j.matchedBlocks < 293, `matched ${j.matchedBlocks}`);
  assert.equal(j.matchedBytes + j.fetchBytes, ref.length);
  assert.ok(j.strongHits >= j.matchedBlocks);
  assert.equal(j.weakErrorRate, (j.weakHits - j.strongHits) / j.weakHits);
  assert.match(text.stdout, new RegExp(`Matched blocks: +${j.matchedBlocks} `));
});

test('patch -o writes the reference and reports reused and fetched bytes', async () => {
  const r = await cli(['patch', t.path('old'), t.path('ref.gosync'), t.path('ref'), '-o', t.path('out1')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Reused .* fetched .* from /m);
  assert.deepEqual(await readFile(t.path('out1')), ref);
  assert.deepEqual(await readFile(t.path('old')), old);
});

test('patch --no-fsync writes the same reference (not synced: as rsync and zsync)', async () => {
  const r = await cli(['patch', t.path('old'), t.path('ref.gosync'), t.path('ref'), '-o', t.path('out-nofsync'), '--no-fsync']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await readFile(t.path('out-nofsync')), ref);
  const help = await cli(['patch', '--help']);
  assert.match(help.stdout, /--no-fsync/);
});

test('p with the output as a fourth argument (go-sync style), deltasync index', async () => {
  const r = await cli(['p', t.path('old'), t.path('ref.v1'), t.path('ref'), t.path('out2')]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await readFile(t.path('out2')), ref);
});

test('patch without an output replaces the local file', async () => {
  await writeFile(t.path('inplace'), old);
  const r = await cli(['--json', 'patch', t.path('inplace'), t.path('ref.gosync'), t.path('ref')]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.reusedBytes + j.fetchedBytes, ref.length);
  assert.ok(j.fetchRegions >= 1 && j.fetchRegions <= j.fetchRanges, `regions ${j.fetchRegions}, ranges ${j.fetchRanges}`);
  // Times to the microsecond, rates to a tenth: numbers a script can print as they are.
  for (const ms of [j.milliseconds, j.scan.milliseconds]) assert.ok(Math.abs(ms * 1000 - Math.round(ms * 1000)) < 1e-6, `${ms} ms`);
  assert.ok(Math.abs(j.mbPerSecond * 10 - Math.round(j.mbPerSecond * 10)) < 1e-6, `${j.mbPerSecond} MB/s`);
  assert.deepEqual(await readFile(t.path('inplace')), ref);
});

test('an empty reference and an empty local file both work', async () => {
  await writeFile(t.path('empty'), '');
  assert.equal((await cli(['build', t.path('empty')])).code, 0);
  const toEmpty = await cli(['patch', t.path('old'), t.path('empty.gosync'), t.path('empty'), t.path('out-empty')]);
  assert.equal(toEmpty.code, 0, toEmpty.stderr);
  assert.equal((await stat(t.path('out-empty'))).size, 0);
  const fromEmpty = await cli(['patch', t.path('empty'), t.path('ref.gosync'), t.path('ref'), t.path('out-full')]);
  assert.equal(fromEmpty.code, 0, fromEmpty.stderr);
  assert.deepEqual(await readFile(t.path('out-full')), ref);
  const d = JSON.parse((await cli(['--json', 'diff', t.path('empty'), t.path('ref.gosync')])).stdout);
  assert.equal(d.matchedBlocks, 0);
});

test('patching through a symbolic link replaces the file it points to and keeps the link', async () => {
  await writeFile(t.path('real-target'), old);
  await symlink(t.path('real-target'), t.path('link'));
  const r = await cli(['patch', t.path('link'), t.path('ref.gosync'), t.path('ref')]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok((await lstat(t.path('link'))).isSymbolicLink());
  assert.deepEqual(await readFile(t.path('real-target')), ref);
});

test('build refuses to write the index over the file it describes', async () => {
  await writeFile(t.path('self'), ref);
  const r = await cli(['build', t.path('self'), '-o', t.path('self')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /would overwrite the file it describes/);
  assert.deepEqual(await readFile(t.path('self')), ref);
});

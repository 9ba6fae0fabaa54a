import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { open, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { after, before, test } from 'node:test';
import { writeIndexFile } from '../../src/format/index-file.js';
import { buildIndex } from '../../src/index/build.js';
import { cli, tempDir } from './run-cli.js';

// The CLI scans a local file of 64 MiB or more on every core when --threads asks for them, and
// by default when the scan, measured as it starts, is long enough for workers to pay; never a
// smaller file.
let t: Awaited<ReturnType<typeof tempDir>>;
const ref = randomBytes(200_000);
const BIG = 64 * 1024 * 1024;
const cores = Math.min(availableParallelism(), 2);

/** A sparse file of `size` bytes holding the reference at `at`. */
async function sparseWithRef(path: string, size: number, at: number): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.truncate(size);
    await fh.write(ref, 0, ref.length, at);
  } finally {
    await fh.close();
  }
}

before(async () => {
  t = await tempDir();
  await writeFile(t.path('ref'), ref);
  await writeIndexFile(await buildIndex(t.path('ref'), { blockSize: 4096 }), t.path('ref.gosync'));
  await sparseWithRef(t.path('big'), BIG, 40 * 1024 * 1024 + 123);
  await sparseWithRef(t.path('small'), BIG - 4096, 1000);
});
after(() => t.done());

async function diffJson(args: string[]): Promise<{ threads: number; matchedBlocks: number; blocks: number }> {
  const r = await cli(['diff', ...args, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('diff of a 64 MiB file with --threads 2 scans on two threads; the matches are those of one thread, and of the default', async () => {
  const two = await diffJson([t.path('big'), t.path('ref.gosync'), '--threads', '2']);
  const one = await diffJson([t.path('big'), t.path('ref.gosync'), '--threads', '1']);
  const chosen = await diffJson([t.path('big'), t.path('ref.gosync')]);
  assert.equal(two.threads, 2);
  assert.equal(one.threads, 1);
  assert.ok(chosen.threads >= 1 && chosen.threads <= cores, `default: ${chosen.threads} thread(s)`);
  assert.equal(two.matchedBlocks, two.blocks);
  const same = (r: object) => ({ ...r, threads: 0, milliseconds: 0, mbPerSecond: 0 });
  assert.deepEqual(same(two), same(one));
  assert.deepEqual(same(chosen), same(one));
});

test('diff of a file just under 64 MiB stays on one thread', async () => {
  const r = await diffJson([t.path('small'), t.path('ref.gosync')]);
  assert.equal(r.threads, 1);
  assert.equal(r.matchedBlocks, r.blocks);
});

test('patch from a 64 MiB local file with --threads 2 scans on two threads and writes the reference', async () => {
  const r = await cli(['patch', t.path('big'), t.path('ref.gosync'), t.path('ref'), '-o', t.path('out'), '--json', '--threads', '2']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.scan.threads, 2);
  assert.equal(s.fetchedBytes, 0);
  assert.deepEqual(await readFile(t.path('out')), ref);
});

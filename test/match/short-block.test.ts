import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildIndex } from '../../src/index/build.js';
import { scanFile } from '../../src/match/scan.js';
import { WorkerPool } from '../../src/parallel/pool.js';
import { concat, seededBytes } from '../helpers/random.js';
import { assertScan, plainScan } from '../helpers/scan-result.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

const L = 1024;
const S = 300;
// The reference: 20 random blocks and a short tail of 300 bytes (blocks 0..19, tail is block 20).
const ref = seededBytes(1, 20 * L + S);
const tail = ref.subarray(20 * L);
const lastFull = ref.subarray(19 * L, 20 * L);
const TAIL = 20;

let t: TempDir;
let pool: WorkerPool;
let refPath: string;
before(async () => {
  t = await tempDir();
  pool = new WorkerPool(2);
  refPath = await t.write('ref', ref);
});
after(async () => {
  await pool.close();
  await t.done();
});

async function scanBoth(name: string, local: Uint8Array) {
  const localPath = await t.write(name, local);
  const index = await buildIndex(refPath, { blockSize: L });
  const single = await scanFile(localPath, index, { threads: 1 });
  const multi = await scanFile(localPath, index, { threads: 4, pool, minChunk: 512, piece: 2000 });
  assert.ok(multi.stats.threads > 1);
  assert.deepEqual(plainScan(multi), plainScan(single), 'threads 4 agrees with threads 1');
  assertScan(single, ref, L, local);
  return single;
}

test('the short last block is found when the local file ends with the same tail (after other bytes)', async () => {
  const local = concat(seededBytes(2, 5000), tail);
  const r = await scanBoth('ends-with-tail', local);
  assert.equal(r.blockOffsets[TAIL], 5000);
  assert.equal(r.stats.matchedBlocks, 1);
  assert.equal(r.stats.matchedBytes, S);
});

test('the short last block is found when it follows its preceding block in the middle of the file', async () => {
  const local = concat(seededBytes(3, 777), lastFull, tail, seededBytes(4, 5000));
  const r = await scanBoth('tail-in-middle', local);
  assert.equal(r.blockOffsets[19], 777);
  assert.equal(r.blockOffsets[TAIL], 777 + L);
  assert.equal(r.stats.matchedBlocks, 2);
  assert.equal(r.stats.fetchBytes, 19 * L);
});

test('the tail behind its block near the end, where the file also ends with the tail', async () => {
  const local = concat(ref.subarray(0, 10 * L), seededBytes(5, 99), lastFull, tail, seededBytes(6, 50), tail);
  const r = await scanBoth('both', local);
  // The copy that continues block 19's copy is preferred.
  assert.equal(r.blockOffsets[19], 10 * L + 99);
  assert.equal(r.blockOffsets[TAIL], 11 * L + 99);
  for (let k = 0; k < 10; k++) assert.equal(r.blockOffsets[k], k * L);
});

test('an identical file: the tail is found once, right after block 19', async () => {
  const r = await scanBoth('identical', ref);
  assert.equal(r.blockOffsets[TAIL], 20 * L);
  assert.equal(plainScan(r).block.filter((b) => b === TAIL).length, 1);
  assert.equal(r.stats.fetchBytes, 0);
});

test('the tail repeated after every copy of its block in a long file', async () => {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 40; i++) parts.push(seededBytes(100 + i, 50 + i), lastFull, tail);
  const r = await scanBoth('many', concat(...parts));
  const found = plainScan(r).block.filter((b) => b === TAIL).length;
  assert.equal(found, 40);
  assert.equal(r.blockOffsets[TAIL], r.blockOffsets[19] + L);
});

test('a reference smaller than one block is found anywhere in a small local file', async () => {
  const small = seededBytes(7, 700);
  const smallPath = await t.write('small-ref', small);
  const index = await buildIndex(smallPath, { blockSize: L });
  const atEnd = await t.write('small-at-end', concat(seededBytes(8, 3000), small));
  assert.deepEqual(Array.from((await scanFile(atEnd, index, { threads: 1 })).blockOffsets), [3000]);
  const same = await scanFile(smallPath, index, { threads: 1 });
  assert.deepEqual(Array.from(same.blockOffsets), [0]);
  // #12: the reference followed by more bytes, and the reference in the middle.
  const atStart = await t.write('small-at-start', concat(small, seededBytes(9, 5000)));
  assert.deepEqual(Array.from((await scanFile(atStart, index, { threads: 1 })).blockOffsets), [0]);
  const inside = await t.write('small-inside', concat(seededBytes(10, 1234), small, seededBytes(11, 5000)));
  assert.deepEqual(Array.from((await scanFile(inside, index, { threads: 1 })).blockOffsets), [1234]);
});

test('8,191 B at 8 KiB blocks, followed by more bytes: found (#12)', async () => {
  const small = seededBytes(12, 8191);
  const smallPath = await t.write('small-8191', small);
  const index = await buildIndex(smallPath, { blockSize: 8192 });
  const local = await t.write('small-8191-more', concat(small, seededBytes(13, 100_000)));
  const r = await scanFile(local, index, { threads: 1 });
  assert.deepEqual(Array.from(r.blockOffsets), [0]);
  assert.equal(r.stats.fetchBytes, 0);
});

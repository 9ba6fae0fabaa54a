import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildIndex } from '../../src/index/build.js';
import { scanFile } from '../../src/match/scan.js';
import { concat, seededBytes } from '../helpers/random.js';
import { assertScan, plainScan } from '../helpers/scan-result.js';
import { useTempDirAndPool } from '../helpers/fixture.js';

const L = 1024;
const fx = useTempDirAndPool();

function isZero(local: Uint8Array, at: number, len: number): boolean {
  for (let i = at; i < at + len; i++) if (local[i] !== 0) return false;
  return true;
}

test('a reference of zeros: every block is found in a local file that holds one run of zeros', async () => {
  const ref = new Uint8Array(200 * L);
  const local = concat(seededBytes(1, 3333), new Uint8Array(3 * L), seededBytes(2, 2000));
  const refPath = await fx.t.write('zeros', ref);
  const localPath = await fx.t.write('local', local);
  const index = await buildIndex(refPath, { blockSize: L });
  const r = await scanFile(localPath, index, { threads: 1 });
  assert.equal(r.stats.matchedBlocks, 200);
  assert.equal(r.stats.fetchBytes, 0);
  for (let k = 0; k < 200; k++) assert.ok(isZero(local, r.blockOffsets[k], L), `block ${k} at ${r.blockOffsets[k]}`);
  assertScan(r, ref, L, local);
});

test('a reference of zeros against a local file of zeros: blocks follow each other', async () => {
  const ref = new Uint8Array(300 * L + 10);
  const refPath = await fx.t.write('zeros2', ref);
  const index = await buildIndex(refPath, { blockSize: L });
  const r = await scanFile(refPath, index, { threads: 1 });
  assert.deepEqual(Array.from(r.blockOffsets), Array.from({ length: 301 }, (_, k) => k * L));
  const multi = await scanFile(refPath, index, { threads: 3, pool: fx.pool, minChunk: 2048, piece: 4096 });
  assert.equal(multi.stats.threads, 3);
  assert.deepEqual(plainScan(multi), plainScan(r));
});

test('a block repeated many times among random blocks', async () => {
  const A = seededBytes(3, L);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 60; i++) parts.push(i % 3 === 0 ? seededBytes(10 + i, L) : A);
  const ref = concat(...parts);
  const local = concat(seededBytes(4, 100), A, seededBytes(5, 10), ref.subarray(0, 30 * L), seededBytes(6, 77), A);
  const refPath = await fx.t.write('rep', ref);
  const localPath = await fx.t.write('rep-local', local);
  const index = await buildIndex(refPath, { blockSize: L });
  const r = await scanFile(localPath, index, { threads: 1 });
  assertScan(r, ref, L, local);
  // Every copy of A is found, and those in the copied first half continue their neighbours.
  for (let k = 0; k < 60; k++) if (k % 3 !== 0) assert.ok(r.blockOffsets[k] >= 0, `block ${k}`);
  for (let k = 1; k < 30; k++) assert.equal(r.blockOffsets[k], 100 + L + 10 + k * L, `block ${k} continues the copy`);
  const multi = await scanFile(localPath, index, { threads: 2, pool: fx.pool, minChunk: 1024, piece: 3000 });
  assert.equal(multi.stats.threads, 2);
  assert.deepEqual(plainScan(multi), plainScan(r));
});

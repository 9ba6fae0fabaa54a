import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { ArgumentError } from '../../src/errors/errors.js';
import { buildIndex } from '../../src/index/build.js';
import { scanSeeds } from '../../src/match/seeds.js';
import { patchFile } from '../../src/patch/patch.js';
import { makePlan } from '../../src/plan/plan.js';
import { concat, seededBytes } from '../helpers/random.js';
import { scriptedSource } from '../helpers/sources.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

const L = 2048;
// The reference is three parts: the first seed holds A, the second holds B (shifted), nobody holds C.
const A = seededBytes(41, 20 * L);
const B = seededBytes(42, 10 * L);
const C = seededBytes(43, 3 * L + 100);
const ref = concat(A, B, C);
let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

test('blocks are reused from every seed; copy spans name the seed they read', async () => {
  const refPath = await t.write('ref', ref);
  const seed1 = await t.write('seed1', concat(A, seededBytes(44, 5000)));
  const seed2 = await t.write('seed2', concat(seededBytes(45, 333), B));
  const index = await buildIndex(refPath, { blockSize: L, threads: 1 });
  const found = await scanSeeds([seed1, seed2], index, { threads: 1 });
  assert.equal(found.stats.matchedBlocks, 30);
  const plan = makePlan(index, found);
  const copies = plan.spans.filter((s) => s.kind === 'copy').map((s) => [s.seed, s.offset, s.localOffset, s.length]);
  assert.deepEqual(copies, [[0, 0, 0, 20 * L], [1, 20 * L, 333, 10 * L]]);
  assert.equal(plan.fetchBytes, C.length);
  const src = scriptedSource('ref', ref);
  const stats = await patchFile({ local: [seed1, seed2], index, source: src, output: t.path('out') });
  assert.deepEqual(await readFile(t.path('out')), Buffer.from(ref));
  assert.equal(stats.reusedBytes, 30 * L);
  assert.equal(stats.fetchedBytes, C.length);
  // One seed only: B is fetched.
  const one = await patchFile({ local: seed1, index, source: src, output: t.path('out1') });
  assert.equal(one.fetchedBytes, B.length + C.length);
});

test('a block in both seeds is taken from the first, unless the second continues a copy', async () => {
  const refPath = await t.write('ref2', concat(A, B));
  const index = await buildIndex(refPath, { blockSize: L, threads: 1 });
  const both = await t.write('both', concat(A, B));
  const aOnly = await t.write('a-only', A);
  const found = await scanSeeds([aOnly, both], index, { threads: 1 });
  // Blocks of A: seed 0 (first); blocks of B: only seed 1 has them.
  assert.deepEqual([...found.blockSeeds], [...Array(20).fill(0), ...Array(10).fill(1)]);
  const again = await scanSeeds([both, aOnly], index, { threads: 1 });
  assert.deepEqual([...again.blockSeeds], Array(30).fill(0), 'one seed holds all in a row: one copy');
  assert.equal(makePlan(index, again).spans.length, 1);
});

test('seeds are checked: an empty list, a non-path, a plan naming a seed not given', async () => {
  const refPath = await t.write('ref3', A);
  const index = await buildIndex(refPath, { blockSize: L, threads: 1 });
  await assert.rejects(scanSeeds([], index), ArgumentError);
  await assert.rejects(patchFile({ local: [], index, source: scriptedSource('x', A), output: t.path('o') }), ArgumentError);
  await assert.rejects(patchFile({ local: [refPath, ''], index, source: scriptedSource('x', A), output: t.path('o') }), /local\[1\] must be a path/);
  const plan = { ...makePlan(index, new Float64Array(index.blockCount).fill(-1)) };
  const bad = { ...plan, spans: [{ kind: 'copy' as const, offset: 0, length: A.length, seed: 3, localOffset: 0 }] };
  await assert.rejects(patchFile({ local: refPath, index, plan: bad, source: scriptedSource('x', A), output: t.path('o') }), /not among the 1 given/);
});

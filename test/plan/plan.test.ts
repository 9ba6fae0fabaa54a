import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { BlockIndex } from '../../src/index/block-index.js';
import { ArgumentError } from '../../src/errors/errors.js';
import { makePlan, type Plan } from '../../src/plan/plan.js';

/** The shape of an index that makePlan reads (sizes only; it never looks at the sums). */
function shape(fileSize: number, blockSize: number): BlockIndex {
  const blockCount = Math.ceil(fileSize / blockSize);
  return { fileSize, blockSize, blockCount, strongHash: 'md5', strongLength: 16, weak: new Int32Array(blockCount), strong: new Uint8Array(blockCount * 16) };
}

const L = 1024;

/** Checks what every plan must satisfy, whatever the offsets. */
function assertValidPlan(plan: Plan, index: BlockIndex, offsets: Float64Array, maxFetch = 4 * 1024 * 1024): void {
  assert.equal(plan.fileSize, index.fileSize);
  assert.equal(plan.blockSize, index.blockSize);
  let at = 0;
  let reused = 0;
  let fetched = 0;
  const maxBlocks = Math.max(1, Math.floor(maxFetch / index.blockSize));
  for (const [i, s] of plan.spans.entries()) {
    assert.equal(s.offset, at, `span ${i} starts where the previous ended`);
    assert.ok(s.length > 0, `span ${i} is not empty`);
    assert.equal(s.offset % index.blockSize, 0, `span ${i} starts on a block`);
    const first = s.offset / index.blockSize;
    const end = s.offset + s.length;
    assert.ok(end === index.fileSize || end % index.blockSize === 0, `span ${i} ends on a block or at the end`);
    const last = Math.ceil(end / index.blockSize) - 1;
    for (let k = first; k <= last; k++) {
      if (s.kind === 'copy') assert.equal(offsets[k], s.localOffset + (k - first) * index.blockSize, `block ${k} copied from its offset`);
      else assert.equal(offsets[k], -1, `block ${k} fetched only when missing`);
    }
    if (s.kind === 'fetch') {
      assert.ok(last - first + 1 <= maxBlocks, `fetch span ${i} has at most ${maxBlocks} blocks`);
      fetched += s.length;
    } else reused += s.length;
    const prev = plan.spans[i - 1];
    if (prev?.kind === 'copy' && s.kind === 'copy') {
      assert.notEqual(s.localOffset, prev.localOffset + prev.length, `copy span ${i} would have merged with the one before`);
    }
    if (prev?.kind === 'fetch' && s.kind === 'fetch') {
      assert.equal(prev.length, maxBlocks * index.blockSize, `fetch span ${i - 1} was split only at maxFetch`);
    }
    at = end;
  }
  assert.equal(at, index.fileSize, 'the spans cover the file');
  assert.equal(plan.reusedBytes, reused);
  assert.equal(plan.fetchBytes, fetched);
  assert.equal(reused + fetched, index.fileSize);
  let regions = 0;
  for (let k = 0; k < index.blockCount; k++) if (offsets[k] < 0 && (k === 0 || offsets[k - 1] >= 0)) regions++;
  assert.equal(plan.fetchRegions, regions, 'fetchRegions counts runs of missing blocks');
}

test('contiguous blocks merge into one copy span; a jump starts a new one', () => {
  const index = shape(8 * L, L);
  const offsets = Float64Array.from([0, L, 2 * L, -1, -1, 10 * L, 11 * L, 5 * L]);
  const plan = makePlan(index, offsets);
  assert.deepEqual(plan.spans, [
    { kind: 'copy', offset: 0, length: 3 * L, seed: 0, localOffset: 0 },
    { kind: 'fetch', offset: 3 * L, length: 2 * L },
    { kind: 'copy', offset: 5 * L, length: 2 * L, seed: 0, localOffset: 10 * L },
    { kind: 'copy', offset: 7 * L, length: L, seed: 0, localOffset: 5 * L },
  ]);
  assert.equal(plan.reusedBytes, 6 * L);
  assert.equal(plan.fetchBytes, 2 * L);
  assertValidPlan(plan, index, offsets);
});

test('a copy run at a local offset that is not block-aligned still merges', () => {
  const index = shape(4 * L, L);
  const offsets = Float64Array.from([7, L + 7, 2 * L + 7, 3 * L + 7]);
  assert.deepEqual(makePlan(index, offsets).spans, [{ kind: 'copy', offset: 0, length: 4 * L, seed: 0, localOffset: 7 }]);
});

test('the same local block for consecutive blocks (a repeated block) does not merge', () => {
  const index = shape(3 * L, L);
  const offsets = Float64Array.from([0, 0, 0]);
  const plan = makePlan(index, offsets);
  assert.deepEqual(plan.spans.map((s) => [s.kind, s.offset, s.length]), [['copy', 0, L], ['copy', L, L], ['copy', 2 * L, L]]);
  assertValidPlan(plan, index, offsets);
});

test('fetch spans are split at maxFetch, rounded down to whole blocks', () => {
  const index = shape(10 * L, L);
  const offsets = new Float64Array(10).fill(-1);
  const lengths = (maxFetch?: number) => makePlan(index, offsets, maxFetch === undefined ? {} : { maxFetch }).spans.map((s) => s.length / L);
  assert.deepEqual(lengths(3 * L), [3, 3, 3, 1]);
  assert.deepEqual(lengths(3.5 * L), [3, 3, 3, 1]);
  assert.deepEqual(lengths(L), [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual(lengths(100), [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 'less than a block still fetches one');
  assert.deepEqual(lengths(10 * L), [10]);
  assert.deepEqual(lengths(), [10], 'default 4 MiB');
  for (const m of [L, 3 * L, 100]) assertValidPlan(makePlan(index, offsets, { maxFetch: m }), index, offsets, m);
});

test('the default maxFetch is 4 MiB', () => {
  const index = shape(10 * 1024 * 1024, 8192);
  const offsets = new Float64Array(index.blockCount).fill(-1);
  assert.deepEqual(makePlan(index, offsets).spans.map((s) => s.length), [4, 4, 2].map((m) => m * 1024 * 1024));
});

test('the short last block ends the last span at the file size', () => {
  const index = shape(3 * L + 10, L);
  const copy = makePlan(index, Float64Array.from([0, L, 2 * L, 3 * L]));
  assert.deepEqual(copy.spans, [{ kind: 'copy', offset: 0, length: 3 * L + 10, seed: 0, localOffset: 0 }]);
  const fetch = makePlan(index, Float64Array.from([0, L, -1, -1]));
  assert.deepEqual(fetch.spans.at(-1), { kind: 'fetch', offset: 2 * L, length: L + 10 });
  const tailElsewhere = makePlan(index, Float64Array.from([0, L, 2 * L, 50]));
  assert.deepEqual(tailElsewhere.spans.at(-1), { kind: 'copy', offset: 3 * L, length: 10, seed: 0, localOffset: 50 });
});

test('an empty index gives an empty plan', () => {
  const plan = makePlan(shape(0, L), new Float64Array(0));
  assert.deepEqual(plan.spans, []);
  assert.equal(plan.reusedBytes + plan.fetchBytes, 0);
});

test('property: spans cover the file exactly, in order, and follow the offsets', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 200_000 }),
      fc.integer({ min: 512, max: 8192 }),
      fc.integer({ min: 1, max: 40_000 }),
      fc.integer({ min: 0, max: 0x7fffffff }),
      (fileSize, blockSize, maxFetch, seed) => {
        const index = shape(fileSize, blockSize);
        // Offsets in runs: missing, contiguous from somewhere, or a repeated block.
        let s = seed;
        const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
        const offsets = new Float64Array(index.blockCount);
        for (let k = 0; k < index.blockCount; k++) {
          const r = next();
          if (r < 0.3) offsets[k] = -1;
          else if (r < 0.8 && k > 0 && offsets[k - 1] >= 0) offsets[k] = offsets[k - 1] + blockSize;
          else offsets[k] = Math.floor(next() * 1e6);
        }
        assertValidPlan(makePlan(index, offsets, { maxFetch }), index, offsets, maxFetch);
      },
    ),
    { numRuns: 300 },
  );
});

test('fetchRegions counts runs of missing blocks, however a run is split into spans', () => {
  const index = shape(10 * L, L);
  const offsets = new Float64Array([-1, -1, -1, -1, 4 * L, 5 * L, -1, -1, 8 * L, -1]);
  const plan = makePlan(index, offsets, { maxFetch: L });
  assert.equal(plan.spans.filter((s) => s.kind === 'fetch').length, 7);
  assert.equal(plan.fetchRegions, 3);
});

test('bad arguments are refused with an ArgumentError', () => {
  const index = shape(10 * L, L);
  assert.throws(() => makePlan(index, new Float64Array(3)), (e: Error) => e instanceof ArgumentError && /Float64Array of 10 offsets/.test(e.message));
  assert.throws(() => makePlan(index, null as unknown as Float64Array), ArgumentError);
  assert.throws(() => makePlan(index, [1, 2] as unknown as Float64Array), ArgumentError);
  assert.throws(() => makePlan(index, new Float64Array(10), { maxFetch: 0 }), /maxFetch must be a whole number/);
  assert.throws(() => makePlan({ ...index, blockCount: 3 }, new Float64Array(3)), /not an index/);
  assert.throws(() => makePlan(undefined as unknown as BlockIndex, new Float64Array(0)), /not an index/);
});

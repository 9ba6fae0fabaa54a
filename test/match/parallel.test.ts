import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildIndex } from '../../src/index/build.js';
import { buildLookup } from '../../src/index/lookup.js';
import { scanFile } from '../../src/match/scan.js';
import { applyEdits, editArb } from '../helpers/edits.js';
import { concat, makeReference, Rng } from '../helpers/random.js';
import { assertScan, plainScan } from '../helpers/scan-result.js';
import { useTempDirAndPool } from '../helpers/fixture.js';

const fx = useTempDirAndPool();

/** Puts `copies` copies of the reference's last block and short tail at random places of `local`. */
function withTailCopies(ref: Uint8Array, blockSize: number, local: Uint8Array, copies: number, seed: number): Uint8Array {
  const S = ref.length % blockSize;
  const tail = ref.subarray(Math.max(0, ref.length - blockSize - S));
  const rng = new Rng(seed);
  let out = local;
  for (let c = 0; c < copies; c++) {
    const at = rng.int(out.length + 1);
    out = concat(out.subarray(0, at), tail, out.subarray(at));
  }
  return out;
}

test('property: threads 1 and threads 2+ (many small chunks, small pieces) find exactly the same matches', async () => {
  let parallelRuns = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        seed: fc.integer({ min: 0, max: 0x7fffffff }),
        size: fc.integer({ min: 0, max: 300_000 }),
        blockSize: fc.integer({ min: 64, max: 4096 }),
        kind: fc.constantFrom('random' as const, 'repeats' as const, 'zeros' as const),
        edits: fc.array(editArb, { maxLength: 6 }),
        tailCopies: fc.integer({ min: 0, max: 4 }),
        threads: fc.integer({ min: 2, max: 5 }),
        minChunk: fc.integer({ min: 512, max: 8192 }),
        piece: fc.constantFrom(1000, 4096, 5003),
      }),
      async (c) => {
        const ref = makeReference(c.seed, c.size, c.blockSize, c.kind);
        const local = withTailCopies(ref, c.blockSize, applyEdits(ref, c.edits), c.tailCopies, c.seed);
        const refPath = await fx.t.write('ref', ref);
        const localPath = await fx.t.write('local', local);
        const index = await buildIndex(refPath, { blockSize: c.blockSize, threads: 1 });
        const lookup = buildLookup(index);
        const single = plainScan(await scanFile(localPath, index, { threads: 1, lookup }));
        const singleSmallPieces = plainScan(await scanFile(localPath, index, { threads: 1, piece: c.piece, lookup }));
        const multi = await scanFile(localPath, index, { threads: c.threads, pool: fx.pool, minChunk: c.minChunk, piece: c.piece, lookup });
        if (multi.stats.threads > 1) parallelRuns++;
        assert.deepEqual(singleSmallPieces, single, 'threads 1 with small pieces');
        assert.deepEqual(plainScan(multi), single, `threads ${c.threads}`);
        assertScan(await scanFile(localPath, index, { threads: 1, lookup }), ref, c.blockSize, local);
      },
    ),
    { numRuns: 35 },
  );
  assert.ok(parallelRuns >= 10, `the parallel path ran in ${parallelRuns} of 35 runs`);
});

test('threads 2 without a fx.pool gives the single-threaded result on a file with many chunks', async () => {
  const L = 1024;
  const ref = makeReference(99, 400_000 + 333, L, 'repeats');
  const local = withTailCopies(
    ref,
    L,
    applyEdits(ref, [
      { kind: 'move', from: 0.3, to: 0.6, length: 40_000 },
      { kind: 'insert', at: 0.5, length: 123, seed: 1 },
      { kind: 'delete', at: 0.9, length: 777 },
    ]),
    3,
    7,
  );
  const refPath = await fx.t.write('ref2', ref);
  const localPath = await fx.t.write('local2', local);
  const index = await buildIndex(refPath, { blockSize: L });
  const single = plainScan(await scanFile(localPath, index, { threads: 1 }));
  const multi = await scanFile(localPath, index, { threads: 2, minChunk: 4096, piece: 4096, workersFromMs: 0 });
  assert.equal(multi.stats.threads, 2);
  assert.deepEqual(plainScan(multi), single);
  assertScan(await scanFile(localPath, index, { threads: 1 }), ref, L, local);
  assert.ok(multi.stats.matchedBlocks > index.blockCount / 2);
});

test('chunk boundaries inside matched blocks: every boundary offset of an identical file', async () => {
  // Chunks split at floor(size·i/count): with an identical file, each boundary falls inside or at
  // the start of a block the single-threaded scan jumps over.
  const L = 512;
  const ref = makeReference(5, 64 * L + 100, L, 'random');
  const p = await fx.t.write('same', ref);
  const index = await buildIndex(p, { blockSize: L });
  const single = plainScan(await scanFile(p, index, { threads: 1 }));
  for (const threads of [2, 3, 4, 7, 16]) {
    const multi = await scanFile(p, index, { threads, pool: fx.pool, minChunk: 512, piece: 700 });
    assert.ok(multi.stats.threads > 1);
    assert.deepEqual(plainScan(multi), single, `threads ${threads}`);
  }
});

test('scan options must be whole numbers ≥ 1', async () => {
  const file = await fx.t.write('opts', new Uint8Array(4096));
  const index = await buildIndex(file, { blockSize: 1024, threads: 1 });
  for (const bad of [{ piece: 0 }, { piece: 1.5 }, { piece: Number.NaN }, { minChunk: -1 }, { threads: 0 }]) {
    await assert.rejects(scanFile(file, index, bad), /must be a whole number ≥ 1/);
  }
});

test('without a pool, workers start only when the scan, measured as it starts, is long enough for them to pay', async () => {
  const { workersIfTheyPay } = await import('../../src/match/parallel-scan.js');
  const { WorkerPool } = await import('../../src/parallel/pool.js');
  const started: InstanceType<typeof WorkerPool>[] = [];
  const start = () => {
    const p = new WorkerPool(1);
    started.push(p);
    return p;
  };
  try {
    // A scan of 1 GiB going at 100 MB/s gets workers; at 3.2 GB/s (0.3 s to go) it does not.
    const at = (bytesPer10ms: number) => {
      const progress = new BigInt64Array(new SharedArrayBuffer(8));
      const timer = setInterval(() => Atomics.add(progress, 0, BigInt(bytesPer10ms)), 10);
      return { progress, stop: () => clearInterval(timer) };
    };
    const slow = at(1 << 20);
    const fastScan = at(32 << 20);
    try {
      assert.ok(await workersIfTheyPay(slow.progress, 2 ** 30, start, 600).pool, 'a long scan gets workers');
      assert.equal(await workersIfTheyPay(fastScan.progress, 2 ** 30, start, 600).pool, undefined, 'a short one does not');
    } finally {
      slow.stop();
      fastScan.stop();
    }
    // All of it scanned already: nothing left for workers.
    const fast = new BigInt64Array(new SharedArrayBuffer(8));
    fast[0] = 1n << 20n;
    assert.equal(await workersIfTheyPay(fast, 1 << 20, start, 600).pool, undefined);
    // The scan ends before the decision: none.
    const early = workersIfTheyPay(new BigInt64Array(new SharedArrayBuffer(8)), 2 ** 30, start, 600);
    early.settle();
    assert.equal(await early.pool, undefined);
    assert.ok((await workersIfTheyPay(fast, 1 << 20, start, 0).pool) !== undefined, '0: at once');
    assert.equal(started.length, 2);
  } finally {
    for (const p of started) await p.close();
  }
});

test('scanFile without a pool: a scan projected below workersFromMs stays on the calling thread; workersFromMs 0 splits it, with the same result', async () => {
  const L = 1024;
  const ref = makeReference(5, 3_000_000, L, 'random');
  const refPath = await fx.t.write('ref-gate', ref);
  const index = await buildIndex(refPath, { blockSize: L });
  const alone = await scanFile(refPath, index, { threads: 2, minChunk: 256 * 1024, workersFromMs: 1e9 });
  const split = await scanFile(refPath, index, { threads: 2, minChunk: 256 * 1024, workersFromMs: 0 });
  assert.equal(alone.stats.threads, 1);
  assert.equal(split.stats.threads, 2);
  assert.deepEqual(plainScan(split), plainScan(alone));
});

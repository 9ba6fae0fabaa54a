/**
 * The WebAssembly scan kernel (match/roll-kernel.wat) against the JavaScript hot loop: the same
 * matches and the same counters, on plain and masked indexes, at any block size and offset.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { loadStrongHash } from '../../src/checksum/registry.js';
import { sumBlocks } from '../../src/index/build-sums.js';
import type { BlockIndex } from '../../src/index/block-index.js';
import { buildLookup } from '../../src/index/lookup.js';
import { MatchList, newCounters } from '../../src/match/match-list.js';
import { acquireRollKernel, releaseRollKernel, scanKernel, testsPairFirst, useRollKernel } from '../../src/match/roll-kernel.js';
import { newScanState, scanBuffer, scanEveryOffset, scanTables } from '../../src/match/scan-buffer.js';
import { scanFile } from '../../src/match/scan.js';
import { applyEdits, editArb } from '../helpers/edits.js';
import { makeReference, seededBytes } from '../helpers/random.js';
import { assertScan, plainScan } from '../helpers/scan-result.js';
import { useTempDirAndPool } from '../helpers/fixture.js';

const fx = useTempDirAndPool();

async function indexOf(data: Uint8Array, blockSize: number, weakMask?: number, matchRun = 1): Promise<BlockIndex> {
  const md5 = await loadStrongHash('md5');
  const blockCount = Math.ceil(data.length / blockSize);
  const weak = new Int32Array(blockCount);
  const strong = new Uint8Array(blockCount * 16);
  sumBlocks(data, 0, { blockSize, hash: 'md5', strongLength: 16, paddedTail: false, weak, strong }, md5);
  if (weakMask !== undefined) for (let k = 0; k < blockCount; k++) weak[k] &= weakMask;
  return { fileSize: data.length, blockSize, blockCount, strongHash: 'md5', strongLength: 16, weak, strong, matchRun, ...(weakMask === undefined ? {} : { weakMask }) };
}

/** scanBuffer (or, with `everyOffset`, the second look's scanEveryOffset) over `local` from `from`, with the kernel or without: matches, counters, next offset. */
async function scanBoth(index: BlockIndex, local: Uint8Array, from: number, everyOffset = false) {
  const md5 = await loadStrongHash('md5');
  const lookup = buildLookup(index);
  const run = (kernel: boolean) => {
    const module = kernel ? scanKernel() : undefined;
    const t = scanTables(lookup, module);
    const k = module ? acquireRollKernel(module, t, local.length) : undefined;
    if (module && !k) throw new Error('the kernel did not take a small buffer');
    try {
      const buf = k ? k.buffer : local;
      if (k) buf.set(local);
      const out = new MatchList();
      const c = newCounters();
      const next = everyOffset
        ? scanEveryOffset(t, md5, buf, 0, from, local.length, local.length, out, c, newScanState(), k)
        : scanBuffer(t, md5, buf, 0, from, local.length, local.length, out, c, undefined, k);
      return { next, pos: Array.from(out.pos.subarray(0, out.length)), block: Array.from(out.block.subarray(0, out.length)), c };
    } finally {
      if (k) releaseRollKernel(k);
    }
  };
  return { js: run(false), wasm: run(true) };
}

test('the kernel is built and loads', () => {
  const k = scanKernel();
  assert.ok(k?.roll instanceof WebAssembly.Module && k.sums instanceof WebAssembly.Module);
});

test('property: kernel and JavaScript loop agree at any block size, mask, match run and start (scanBuffer)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 0x7fffffff }),
      fc.integer({ min: 0, max: 120_000 }),
      fc.integer({ min: 64, max: 3000 }),
      fc.constantFrom(undefined, 0xffff0000 | 0, 0x00ffffff, 0xfff0fff0 | 0, 0x0000ffff),
      fc.constantFrom(1, 2),
      fc.array(editArb, { maxLength: 5 }),
      fc.integer({ min: 0, max: 500 }),
      async (seed, size, blockSize, weakMask, matchRun, edits, from) => {
        const ref = makeReference(seed, size, blockSize, 'random');
        const local = applyEdits(ref, edits);
        const { js, wasm } = await scanBoth(await indexOf(ref, blockSize, weakMask, matchRun), local, Math.min(from, local.length));
        assert.deepEqual(wasm, js);
      },
    ),
    { numRuns: 100 },
  );
});

test('property: kernel and JavaScript loop agree on every offset (the second look: scanEveryOffset)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 0x7fffffff }),
      fc.integer({ min: 0, max: 60_000 }),
      fc.integer({ min: 64, max: 3000 }),
      fc.constantFrom(undefined, 0xffff0000 | 0, 0x0000ffff),
      fc.constantFrom('random' as const, 'repeats' as const, 'zeros' as const),
      fc.array(editArb, { maxLength: 5 }),
      fc.integer({ min: 0, max: 500 }),
      async (seed, size, blockSize, weakMask, kind, edits, from) => {
        const ref = makeReference(seed, size, blockSize, kind);
        const local = applyEdits(ref, edits);
        const { js, wasm } = await scanBoth(await indexOf(ref, blockSize, weakMask), local, Math.min(from, local.length), true);
        assert.deepEqual(wasm, js);
        if (edits.length === 0 && kind === 'random' && from % blockSize === 0 && from + blockSize <= size) assert.ok(js.pos.includes(from), 'the unedited block at from matches');
      },
    ),
    { numRuns: 100 },
  );
});

test('property: with most 16-bit sums taken (the pair tested before the prefilter), kernel and JavaScript loop agree', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 0x7fffffff }),
      fc.integer({ min: 64, max: 72 }),
      // Edits that keep most blocks: each costs at most the blocks it overwrites (3,000 bytes).
      fc.array(editArb.filter((e) => e.kind === 'insert' || e.kind === 'overwrite' || e.kind === 'append'), { minLength: 1, maxLength: 8 }),
      fc.boolean(),
      async (seed, blockSize, edits, everyOffset) => {
        // 20,000 blocks with zsync's 16-bit sums (its 2-byte rsum): more than a quarter of them.
        const weakMask = 0xffff0000 | 0;
        const ref = makeReference(seed, 20_000 * blockSize + (seed % blockSize), blockSize, 'random');
        const local = applyEdits(ref, edits);
        const index = await indexOf(ref, blockSize, weakMask, 2);
        assert.ok(testsPairFirst(buildLookup(index)), 'the pair-first loop runs');
        const { js, wasm } = await scanBoth(index, local, 0, everyOffset);
        assert.deepEqual(wasm, js);
        assert.ok(js.pos.length >= index.blockCount - 50 * edits.length, `${js.pos.length} of ${index.blockCount} blocks found`);
      },
    ),
    { numRuns: 12 },
  );
});

test('the kernel rolls across its call span (64 KiB) and finds blocks on both sides of it', async () => {
  const L = 1000;
  const ref = seededBytes(3, 300 * L + 123);
  // Unrelated bytes first, so that the kernel rolls over several call spans before a match.
  const local = new Uint8Array(200_001 + ref.length);
  local.set(seededBytes(4, 200_001));
  local.set(ref, 200_001);
  const { js, wasm } = await scanBoth(await indexOf(ref, L), local, 0);
  assert.deepEqual(wasm, js);
  assert.ok(wasm.pos.length >= 300 && wasm.pos[0] === 200_001, `matches from 200,001: ${wasm.pos.slice(0, 3).join(', ')}`);
});

test('property: scanFile with the kernel and without agree, and both agree with the brute-force oracle', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 0x7fffffff }),
      fc.integer({ min: 0, max: 200_000 }),
      fc.integer({ min: 64, max: 4096 }),
      fc.constantFrom('random' as const, 'repeats' as const, 'zeros' as const),
      fc.array(editArb, { maxLength: 6 }),
      fc.integer({ min: 1, max: 3 }),
      async (seed, size, blockSize, kind, edits, threads) => {
        const ref = makeReference(seed, size, blockSize, kind);
        const local = applyEdits(ref, edits);
        const localPath = await fx.t.write('local', local);
        const index = await indexOf(ref, blockSize);
        const lookup = buildLookup(index);
        const opts = { threads, pool: fx.pool, minChunk: 4096, piece: 5003, lookup };
        try {
          useRollKernel(false);
          const js = await scanFile(localPath, index, opts);
          useRollKernel(true);
          const wasm = await scanFile(localPath, index, opts);
          assert.deepEqual(plainScan(wasm), plainScan(js));
          assertScan(wasm, ref, blockSize, local);
          assertScan(js, ref, blockSize, local);
        } finally {
          useRollKernel(true);
        }
      },
    ),
    { numRuns: 30 },
  );
});

test('tables and pieces past what a WebAssembly memory holds (4 GiB) are left to the JavaScript loop', async () => {
  const t = scanTables(buildLookup(await indexOf(seededBytes(5, 10_000), 1024)), scanKernel());
  assert.equal(acquireRollKernel(scanKernel()!, t, 5 * 2 ** 30), undefined);
  const k = acquireRollKernel(scanKernel()!, t, 1 << 20);
  assert.ok(k && k.buffer.length === 1 << 20, 'and the next scan still gets one');
  releaseRollKernel(k);
});

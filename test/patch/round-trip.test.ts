import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import fc from 'fast-check';
import { readIndexFile, writeIndexFile } from '../../src/format/index-file.js';
import { buildIndex } from '../../src/index/build.js';
import { scanFile } from '../../src/match/scan.js';
import { patchFile } from '../../src/patch/patch.js';
import { makePlan } from '../../src/plan/plan.js';
import { fileSource } from '../../src/source/file-source.js';
import { applyEdits, editArb } from '../helpers/edits.js';
import { makeReference } from '../helpers/random.js';
import { useTempDirAndPool } from '../helpers/fixture.js';

const fx = useTempDirAndPool();

const caseArb = fc.record({
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
  size: fc.integer({ min: 1, max: 200_000 }),
  blockSize: fc.integer({ min: 512, max: 8192 }),
  kind: fc.constantFrom('random' as const, 'repeats' as const),
  edits: fc.array(editArb, { maxLength: 6 }),
  /** Scan first and hand patchFile the plan, or let patchFile scan. */
  givePlan: fc.boolean(),
  parallelScan: fc.boolean(),
  maxFetch: fc.constantFrom(undefined, 512, 20_000),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

async function roundTrip(c: Case, format: 'gosync' | 'deltasync', strongHash: string): Promise<void> {
  // A size the block size does not divide, so the last block is short.
  const size = c.size % c.blockSize === 0 ? c.size + 1 + (c.seed % (c.blockSize - 1)) : c.size;
  const ref = makeReference(c.seed, size, c.blockSize, c.kind);
  const local = applyEdits(ref, c.edits);
  const refPath = await fx.t.write('ref', ref);
  const localPath = await fx.t.write('local', local);
  const out = fx.t.path('out');

  const built = await buildIndex(refPath, {
    blockSize: c.blockSize,
    threads: 1,
    ...(format === 'deltasync' ? { strongHash, strongLength: 8, fileHash: 'sha256' } : {}),
  });
  await writeIndexFile(built, fx.t.path('ref.idx'), format);
  const index = await readIndexFile(fx.t.path('ref.idx'));
  assert.equal(index.blockSize, c.blockSize);
  assert.equal(index.fileHash?.algorithm, format === 'deltasync' ? 'sha256' : undefined);

  const scan = c.parallelScan ? { threads: 2, pool: fx.pool, minChunk: 4096, piece: 8192 } : { threads: 1 };
  const planOptions = c.maxFetch === undefined ? {} : { maxFetch: c.maxFetch };
  const scanned = await scanFile(localPath, index, scan);
  const plan = makePlan(index, scanned.blockOffsets, planOptions);
  const source = fileSource(refPath);
  try {
    const stats = await patchFile({ local: localPath, index, source, output: out, ...(c.givePlan ? { plan } : { scan, planOptions }) });
    assert.deepEqual(new Uint8Array(await readFile(out)), ref, 'the output is the reference');
    assert.equal(stats.fileSize, size);
    assert.equal(stats.reusedBytes + stats.fetchedBytes, size);
    assert.equal(stats.reusedBytes, scanned.stats.matchedBytes);
    assert.equal(stats.fetchRanges, plan.spans.filter((s) => s.kind === 'fetch').length);
  } finally {
    await source.close();
  }
  assert.deepEqual(new Uint8Array(await readFile(localPath)), local, 'the local file is untouched');
}

test('property: patching any edited copy with a go-sync index reproduces the reference', async () => {
  await fc.assert(fc.asyncProperty(caseArb, (c) => roundTrip(c, 'gosync', 'md5')), { numRuns: 30 });
});

test('property: patching with a deltasync v1 index (8-byte digests, sha256 file hash) reproduces the reference', async () => {
  await fc.assert(
    fc.asyncProperty(caseArb, fc.constantFrom('md5', 'sha256', 'blake3'), (c, h) => roundTrip(c, 'deltasync', h)),
    { numRuns: 30 },
  );
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { buildIndex } from '../../src/index/build.js';
import { scanFile } from '../../src/match/scan.js';
import { applyEdits, type Edit, editArb } from '../helpers/edits.js';
import { makeReference } from '../helpers/random.js';
import { assertScan } from '../helpers/scan-result.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

async function compare(name: string, ref: Uint8Array, local: Uint8Array, blockSize: number, strongHash = 'md5') {
  const refPath = await t.write(`${name}.ref`, ref);
  const localPath = await t.write(`${name}.local`, local);
  const index = await buildIndex(refPath, { blockSize, strongHash, threads: 1 });
  assert.equal(index.strongHash, strongHash);
  return assertScan(await scanFile(localPath, index, { threads: 1 }), ref, blockSize, local);
}

const fixed: { name: string; size: number; blockSize: number; kind: 'random' | 'repeats'; edits: Edit[] }[] = [
  {
    name: 'inserts-deletes',
    size: 200_000,
    blockSize: 1024,
    kind: 'random',
    edits: [
      { kind: 'insert', at: 0.1, length: 77, seed: 1 },
      { kind: 'delete', at: 0.4, length: 3000 },
      { kind: 'overwrite', at: 0.7, length: 10, seed: 2 },
    ],
  },
  {
    name: 'move-append',
    size: 150_321,
    blockSize: 2048,
    kind: 'repeats',
    edits: [
      { kind: 'move', from: 0.2, to: 0.8, length: 9000 },
      { kind: 'append', length: 5000, seed: 3 },
      { kind: 'insert', at: 0, length: 1, seed: 4 },
    ],
  },
  {
    name: 'truncate',
    size: 99_999,
    blockSize: 4096,
    kind: 'random',
    edits: [{ kind: 'truncate', at: 0.6 }, { kind: 'overwrite', at: 0.3, length: 1, seed: 5 }],
  },
];

for (const f of fixed) {
  test(`the scan finds what a brute-force search finds: ${f.name}`, async () => {
    const ref = makeReference(f.size, f.size, f.blockSize, f.kind);
    const want = await compare(f.name, ref, applyEdits(ref, f.edits), f.blockSize);
    assert.ok(want.found.some((f) => f), 'the edited file still holds blocks');
    assert.ok(want.found.includes(false), 'and lacks some');
  });
}

test('the scan finds what a brute-force search finds with a sha256 index', async () => {
  const ref = makeReference(8, 60_000, 512, 'repeats');
  const want = await compare('sha256', ref, applyEdits(ref, [{ kind: 'move', from: 0.5, to: 0.1, length: 7000 }]), 512, 'sha256');
  assert.ok(want.found.some((f) => f), 'the edited file still holds blocks');
  assert.ok(want.found.includes(false), 'and lacks some');
});

test('property: the scan agrees with a brute-force search on randomly edited files', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 0x7fffffff }),
      fc.integer({ min: 0, max: 250_000 }),
      fc.integer({ min: 64, max: 4096 }),
      fc.constantFrom('random' as const, 'repeats' as const),
      fc.array(editArb, { maxLength: 6 }),
      async (seed, size, blockSize, kind, edits) => {
        const ref = makeReference(seed, size, blockSize, kind);
        await compare('prop', ref, applyEdits(ref, edits), blockSize);
      },
    ),
    { numRuns: 25 },
  );
});

import assert from 'node:assert/strict';
import { open, readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { loadStrongHash } from '../../src/checksum/registry.js';
import { buildIndex } from '../../src/index/build.js';
import { buildLookup } from '../../src/index/lookup.js';
import { assignBlocks } from '../../src/match/assign.js';
import { MatchList, newCounters } from '../../src/match/match-list.js';
import { scanTables } from '../../src/match/scan-buffer.js';
import { scanFileRange } from '../../src/match/scan-range.js';
import { patchFile } from '../../src/patch/patch.js';
import { makePlan } from '../../src/plan/plan.js';
import { fileSource } from '../../src/source/file-source.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

// A sparse local file whose only data sits past 4 GiB, so offsets need more than 32 bits. The scan
// covers only the end of the file (a whole 4 GiB scan would take too long for the suite); the
// patch then copies from those offsets with real reads.
const L = 4096;
const ref = seededBytes(31, 60 * L + 123);
const at = 2 ** 32 + 1000;
let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

test('matches past 4 GiB are found at their exact offsets, and a patch copies from there', async () => {
  const refPath = await t.write('ref', ref);
  const localPath = t.path('sparse');
  const fh = await open(localPath, 'w');
  await fh.truncate(at + ref.length + 777);
  await fh.write(ref, 0, ref.length, at);
  await fh.close();

  const index = await buildIndex(refPath, { blockSize: L, threads: 1 });
  const lookup = buildLookup(index);
  const matches = new MatchList();
  const size = at + ref.length + 777;
  const local = await open(localPath, 'r');
  try {
    await scanFileRange(local, localPath, size, scanTables(lookup), await loadStrongHash('md5'), at - 5000, size, matches, newCounters());
  } finally {
    await local.close();
  }
  const blockOffsets = assignBlocks(matches, lookup);
  assert.deepEqual(Array.from(blockOffsets), Array.from({ length: index.blockCount }, (_, k) => at + k * L));

  const plan = makePlan(index, blockOffsets);
  assert.equal(plan.fetchBytes, 0);
  assert.deepEqual(plan.spans, [{ kind: 'copy', offset: 0, length: ref.length, seed: 0, localOffset: at }]);
  const source = fileSource(refPath);
  try {
    const stats = await patchFile({ local: localPath, index, plan, source, output: t.path('out') });
    assert.equal(stats.reusedBytes, ref.length);
  } finally {
    await source.close();
  }
  assert.deepEqual(new Uint8Array(await readFile(t.path('out'))), ref);
});

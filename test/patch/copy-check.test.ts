import assert from 'node:assert/strict';
import { open, readdir, readFile, rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { VerificationError } from '../../src/errors/errors.js';
import { buildIndex } from '../../src/index/build.js';
import { scanFile } from '../../src/match/scan.js';
import { patchFile } from '../../src/patch/patch.js';
import { makePlan } from '../../src/plan/plan.js';
import { fileSource } from '../../src/source/file-source.js';
import { concat, seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

// Large enough (over 32 MiB of copies) that copied blocks are checked by worker threads.
const ref = seededBytes(11, 40 * 1024 * 1024);
const local = concat(seededBytes(12, 1000), ref.subarray(0, 20 * 1024 * 1024), seededBytes(13, 777), ref.subarray(20 * 1024 * 1024 + 8192));
let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

/** Files of 40 MiB: removed as soon as a test is done with them, so a small /tmp holds the run. */
const removeAll = (...paths: string[]) => Promise.all(paths.map((p) => rm(p, { force: true })));

async function planFor(localPath: string, refPath: string) {
  const index = await buildIndex(refPath, { threads: 2 });
  const { blockOffsets } = await scanFile(localPath, index, { threads: 2 });
  return { index, plan: makePlan(index, blockOffsets) };
}

test('large copies checked on worker threads: the output equals the reference', async () => {
  const refPath = await t.write('ref', ref);
  const localPath = await t.write('local', local);
  const { index, plan } = await planFor(localPath, refPath);
  assert.ok(plan.reusedBytes > 32 * 1024 * 1024);
  const source = fileSource(refPath);
  await patchFile({ local: localPath, index, plan, source, output: t.path('out'), scan: { threads: 2 } });
  await source.close();
  assert.deepEqual(await readFile(t.path('out')), Buffer.from(ref));
  await removeAll(refPath, localPath, t.path('out'));
});

test('a local file changed between scan and patch: a worker finds it, nothing is written', async () => {
  const refPath = await t.write('ref2', ref);
  const localPath = await t.write('local2', local);
  const { index, plan } = await planFor(localPath, refPath);
  // Change one byte inside a copied block, after the plan was made.
  const fh = await open(localPath, 'r+');
  await fh.write(new Uint8Array([local[30_000_000] ^ 0xff]), 0, 1, 30_000_000);
  await fh.close();
  const source = fileSource(refPath);
  await assert.rejects(
    patchFile({ local: localPath, index, plan, source, output: t.path('out2'), scan: { threads: 2 } }),
    (err: Error) => err instanceof VerificationError && /local2: block \d+ at offset \d+ changed since it was scanned/.test(err.message),
  );
  await source.close();
  const names = await readdir(t.dir);
  assert.ok(!names.includes('out2'));
  assert.deepEqual(names.filter((n) => n.includes('deltasync-tmp')), []);
  await removeAll(refPath, localPath);
});

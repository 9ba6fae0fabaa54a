import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { open, readdir, readFile, rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { VerificationError } from '../../src/errors/errors.js';
import { buildIndex } from '../../src/index/build.js';
import { scanFile } from '../../src/match/scan.js';
import { patchFile } from '../../src/patch/patch.js';
import { makePlan } from '../../src/plan/plan.js';
import { fileSource } from '../../src/source/file-source.js';
import { countingPool } from '../helpers/fixture.js';
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
  const counted = countingPool(2);
  try {
    await patchFile({ local: localPath, index, plan, source, output: t.path('out'), pool: counted.pool, scan: { threads: 2 } });
  } finally {
    await source.close();
    await counted.pool.close();
  }
  assert.deepEqual(await readFile(t.path('out')), Buffer.from(ref));
  assert.ok(counted.kinds.filter((k) => k === 'verify').length >= 8, `verify jobs: ${counted.kinds.join(', ')}`);
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
  const counted = countingPool(2);
  try {
    await assert.rejects(
      patchFile({ local: localPath, index, plan, source, output: t.path('out2'), pool: counted.pool, scan: { threads: 2 } }),
      (err: Error) => err instanceof VerificationError && /local2: block \d+ at offset \d+ changed since it was scanned/.test(err.message),
    );
  } finally {
    await source.close();
    await counted.pool.close();
  }
  assert.ok(counted.kinds.includes('verify'), 'the change was found on a worker');
  const names = await readdir(t.dir);
  assert.ok(!names.includes('out2'));
  assert.deepEqual(names.filter((n) => n.includes('deltasync-tmp')), []);
  await removeAll(refPath, localPath);
});

test("copies are checked on the caller's pool when one is given (no pool of the patch's own), which stays open", async () => {
  const small = seededBytes(21, 3 * 1024 * 1024);
  const refPath = await t.write('ref3', small);
  const localPath = await t.write('local3', concat(seededBytes(22, 100), small.subarray(0, 2 * 1024 * 1024)));
  const { index, plan } = await planFor(localPath, refPath);
  const counted = countingPool(2);
  const source = fileSource(refPath);
  try {
    await patchFile({ local: localPath, index, plan, source, output: t.path('out3'), pool: counted.pool, scan: { threads: 2 } });
    assert.deepEqual(await readFile(t.path('out3')), Buffer.from(small));
    assert.ok(counted.kinds.includes('verify'), `jobs given to the pool: ${counted.kinds.join(', ')}`);
    const before = counted.pool.jobsRun;
    assert.ok(before >= counted.kinds.filter((k) => k === 'verify').length, 'the verify jobs ran on the pool');
    // Still open: the patch did not close the caller's pool.
    await patchFile({ local: localPath, index, plan, source, output: t.path('out4'), pool: counted.pool, scan: { threads: 2 } });
    assert.ok(counted.pool.jobsRun > before);
  } finally {
    await source.close();
    await counted.pool.close();
    await removeAll(refPath, localPath, t.path('out3'), t.path('out4'));
  }
});

test('copies from files the patch itself scanned are not hashed again while the files stay as scanned', async () => {
  const small = seededBytes(23, 3 * 1024 * 1024);
  const refPath = await t.write('ref5', small);
  const localPath = await t.write('local5', concat(seededBytes(24, 100), small.subarray(0, 2 * 1024 * 1024)));
  const index = await buildIndex(refPath, { threads: 1 });
  const counted = countingPool(2);
  const source = fileSource(refPath);
  try {
    const stats = await patchFile({ local: localPath, index, source, output: t.path('out5'), pool: counted.pool, scan: { threads: 2 } });
    assert.ok(stats.reusedBytes >= 2 * 1024 * 1024 - 8192);
    assert.deepEqual(await readFile(t.path('out5')), Buffer.from(small));
    assert.ok(!counted.kinds.includes('verify'), `no copy check: ${counted.kinds.join(', ')}`);
  } finally {
    await source.close();
    await counted.pool.close();
    await removeAll(refPath, localPath, t.path('out5'));
  }
});

/** A source of `ref` that changes byte `at` of the local file when it is first asked for data (after the scan). */
async function sourceChangingLocal(name: string, ref: Uint8Array, localPath: string, local: Uint8Array, at: number) {
  const { scriptedSource } = await import('../helpers/sources.js');
  return scriptedSource(name, ref, (n) => {
    if (n === 0) {
      const bad = Buffer.from(local);
      bad[at] ^= 0xff;
      writeFileSync(localPath, bad);
    }
    return undefined;
  });
}

test('blocks the scan found are written as it finds them: a local file written to after the scan does not change the result', async () => {
  // The reference starts with bytes to fetch, then what the local file holds: the fetch comes first.
  const small = concat(seededBytes(25, 64 * 1024), seededBytes(27, 512 * 1024));
  const refPath = await t.write('ref6', small);
  const local = concat(small.subarray(64 * 1024), seededBytes(26, 100_000));
  const localPath = await t.write('local6', local);
  const index = await buildIndex(refPath, { threads: 1 });
  const src = await sourceChangingLocal('ref6', small, localPath, local, 100_000);
  const stats = await patchFile({ local: localPath, index, source: src, output: t.path('out6'), scan: { threads: 1 } });
  assert.equal(stats.reusedBytes, 512 * 1024);
  assert.equal(stats.writtenByScan, stats.reusedBytes);
  assert.deepEqual(await readFile(t.path('out6')), Buffer.from(small));
  await removeAll(refPath, localPath, t.path('out6'));
});

test('a local file written to between the scan and the copy is caught: copies made after the scan are checked in the output, nothing is written', async () => {
  // The local file's content is twice in the reference: the scan writes it where it first is,
  // the second place is copied after the scan, from the local file as it is then.
  const a = seededBytes(27, 256 * 1024);
  const small = concat(seededBytes(25, 64 * 1024), a, a);
  const refPath = await t.write('ref7', small);
  const local = concat(a, seededBytes(26, 100_000));
  const localPath = await t.write('local7', local);
  const index = await buildIndex(refPath, { threads: 1 });
  const src = await sourceChangingLocal('ref7', small, localPath, local, 100_000);
  await assert.rejects(
    patchFile({ local: localPath, index, source: src, output: t.path('out7'), scan: { threads: 1 } }),
    (err: Error) => err instanceof VerificationError && /local7: block 52 at offset 98304 changed since it was scanned/.test(err.message),
  );
  assert.ok(!(await readdir(t.dir)).includes('out7'));
  await removeAll(refPath, localPath);
});

import assert from 'node:assert/strict';
import { readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DeltasyncError } from '../../src/errors/errors.js';
import { buildIndex } from '../../src/index/build.js';
import { patchFile } from '../../src/patch/patch.js';
import { fileSource } from '../../src/source/file-source.js';
import { concat, seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

const ref = seededBytes(1, 40_000);
const local = concat(ref.subarray(0, 20_000), seededBytes(2, 5000));
let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

/** The files under the temp folder that this process has open (Linux /proc/self/fd; elsewhere /dev/fd). */
async function openTestFiles(): Promise<string[]> {
  const fdDir = process.platform === 'linux' ? '/proc/self/fd' : '/dev/fd';
  const targets = await Promise.all((await readdir(fdDir)).map((fd) => readlink(join(fdDir, fd)).catch(() => '')));
  return targets.filter((p) => p.startsWith(t.dir)).sort();
}

test('an output path whose folder does not exist: DeltasyncError naming the path', async () => {
  // (Tests may run as root, where a read-only folder would not stop the write; a missing one does.)
  const refPath = await t.write('ref', ref);
  const localPath = await t.write('local', local);
  const index = await buildIndex(refPath, { blockSize: 1024 });
  const out = t.path('no-such-folder/out.bin');
  const source = fileSource(refPath);
  await assert.rejects(patchFile({ local: localPath, index, source, output: out, scan: { threads: 1 } }), (err: unknown) => {
    assert.ok(err instanceof DeltasyncError, String(err));
    assert.equal(err.code, 'ENOENT');
    assert.ok(err.message.includes(out), err.message);
    assert.doesNotMatch(err.message, /\n/);
    return true;
  });
  await source.close();
  assert.deepEqual((await readdir(t.dir)).sort(), ['local', 'ref']);
});

test('an output path under a file (not a folder): DeltasyncError naming the path', async () => {
  const refPath = await t.write('ref2', ref);
  const localPath = await t.write('local2', local);
  const index = await buildIndex(refPath, { blockSize: 1024 });
  const out = `${localPath}/out.bin`;
  const source = fileSource(refPath);
  await assert.rejects(patchFile({ local: localPath, index, source, output: out, scan: { threads: 1 } }), (err: unknown) => {
    assert.ok(err instanceof DeltasyncError, String(err));
    assert.ok(err.message.includes(out), err.message);
    return true;
  });
  await source.close();
});

test('a patch that cannot create its output leaves no file open', async () => {
  const refPath = await t.write('ref3', ref);
  const localPath = await t.write('local3', local);
  const index = await buildIndex(refPath, { blockSize: 1024 });
  const source = fileSource(refPath);
  // Open the source's file first, so that only what patchFile itself opens is counted.
  for await (const _ of source.fetch([{ offset: 0, length: 1 }]));
  const before = await openTestFiles();
  assert.ok(before.includes(refPath) && !before.includes(localPath));
  await assert.rejects(
    patchFile({ local: localPath, index, source, output: t.path('missing/out'), scan: { threads: 1 } }),
    DeltasyncError,
  );
  const afterPatch = await openTestFiles();
  await source.close();
  assert.deepEqual(afterPatch.filter((p) => p === localPath), [], `${localPath} is still open after the failed patch`);
});

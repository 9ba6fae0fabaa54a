import assert from 'node:assert/strict';
import { chmod, readdir, readFile, stat } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { buildIndex } from '../../src/index/build.js';
import { patchFile } from '../../src/patch/patch.js';
import { fileSource } from '../../src/source/file-source.js';
import { applyEdits } from '../helpers/edits.js';
import { makeReference } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

for (const fileHash of [undefined, 'sha256']) {
  test(`patching a file onto itself (output === local) turns it into the reference${fileHash ? ' (deltasync index)' : ''}`, async () => {
    const ref = makeReference(1, 300_000 + 17, 2048, 'repeats');
    // Blocks move about: an in-place patch must read the old bytes, not ones it has just written.
    const local = applyEdits(ref, [
      { kind: 'move', from: 0.7, to: 0.05, length: 60_000 },
      { kind: 'insert', at: 0.4, length: 999, seed: 2 },
      { kind: 'delete', at: 0.9, length: 5000 },
    ]);
    const refPath = await t.write('ref', ref);
    const localPath = await t.write(`local-${fileHash}`, local);
    await chmod(localPath, 0o640);
    const index = await buildIndex(refPath, { blockSize: 2048, fileHash });
    const source = fileSource(refPath);
    const progress: number[] = [];
    const stats = await patchFile({ local: localPath, index, source, output: localPath, scan: { threads: 1 }, onProgress: (done, total) => {
      assert.equal(total, ref.length);
      progress.push(done);
    } });
    await source.close();
    assert.deepEqual(new Uint8Array(await readFile(localPath)), ref);
    assert.ok(stats.reusedBytes > ref.length / 2, `reused ${stats.reusedBytes}`);
    assert.ok(stats.fetchedBytes > 0);
    assert.equal(progress.at(-1), ref.length);
    assert.ok(progress.every((d, i) => i === 0 || d > progress[i - 1]), 'progress only grows');
    assert.equal((await stat(localPath)).mode & 0o777, 0o640, 'the permission bits are kept');
    assert.deepEqual((await readdir(t.dir)).filter((n) => n.includes('deltasync-tmp')), []);
  });
}

test('patching the reference onto itself reuses everything and fetches nothing', async () => {
  const ref = makeReference(3, 100_000, 4096, 'random');
  const refPath = await t.write('same', ref);
  const index = await buildIndex(refPath, { blockSize: 4096 });
  const source = fileSource(refPath);
  const stats = await patchFile({ local: refPath, index, source, output: refPath, scan: { threads: 1 } });
  await source.close();
  assert.equal(stats.fetchedBytes, 0);
  assert.equal(stats.fetchRanges, 0);
  assert.equal(stats.reusedBytes, ref.length);
  assert.deepEqual(new Uint8Array(await readFile(refPath)), ref);
});

test('a local file longer than the reference is cut to the reference size in place', async () => {
  const ref = makeReference(4, 50_000, 1024, 'random');
  const refPath = await t.write('short-ref', ref);
  const localPath = await t.write('long-local', applyEdits(ref, [{ kind: 'append', length: 20_000, seed: 9 }]));
  const index = await buildIndex(refPath, { blockSize: 1024 });
  const source = fileSource(refPath);
  const stats = await patchFile({ local: localPath, index, source, output: localPath, scan: { threads: 1 } });
  await source.close();
  assert.equal(stats.fetchedBytes, 0);
  assert.deepEqual(new Uint8Array(await readFile(localPath)), ref);
});

test('the output never takes setuid, setgid or sticky bits from the local file, in place or new', async () => {
  const ref = makeReference(3, 50_000, 2048, 'repeats');
  const refPath = await t.write('suid-ref', ref);
  const localPath = await t.write('suid-local', applyEdits(ref, [{ kind: 'insert', at: 0.5, length: 100, seed: 4 }]));
  await chmod(localPath, 0o6755);
  const index = await buildIndex(refPath, { blockSize: 2048, threads: 1 });
  const source = fileSource(refPath);
  try {
    await patchFile({ local: localPath, index, source, output: t.path('suid-new'), scan: { threads: 1 } });
    assert.equal((await stat(t.path('suid-new'))).mode & 0o7777, 0o755, 'a new output');
    await patchFile({ local: localPath, index, source, output: localPath, scan: { threads: 1 } });
    assert.equal((await stat(localPath)).mode & 0o7777, 0o755, 'the local file patched in place');
  } finally {
    await source.close();
  }
  assert.deepEqual(new Uint8Array(await readFile(localPath)), ref);
});

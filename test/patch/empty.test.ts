import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { buildIndex } from '../../src/index/build.js';
import { patchFile } from '../../src/patch/patch.js';
import { fileSource } from '../../src/source/file-source.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

async function patch(ref: Uint8Array, local: Uint8Array, name: string, fileHash?: string, inPlace = false) {
  const refPath = await t.write(`${name}.ref`, ref);
  const localPath = await t.write(`${name}.local`, local);
  const out = inPlace ? localPath : t.path(`${name}.out`);
  const index = await buildIndex(refPath, { blockSize: 1024, fileHash });
  const source = fileSource(refPath);
  try {
    const stats = await patchFile({ local: localPath, index, source, output: out, scan: { threads: 1 } });
    assert.deepEqual(new Uint8Array(await readFile(out)), ref);
    return stats;
  } finally {
    await source.close();
  }
}

for (const fileHash of [undefined, 'sha256']) {
  const label = fileHash ? ' (with a sha256 file hash)' : '';

  test(`an empty reference gives an empty output${label}`, async () => {
    const stats = await patch(new Uint8Array(0), seededBytes(1, 5000), `empty-ref-${fileHash}`, fileHash);
    assert.equal(stats.fileSize, 0);
    assert.equal(stats.reusedBytes + stats.fetchedBytes, 0);
  });

  test(`an empty reference patched in place empties the local file${label}`, async () => {
    await patch(new Uint8Array(0), seededBytes(2, 5000), `empty-ref-inplace-${fileHash}`, fileHash, true);
  });

  test(`an empty local file: everything is fetched${label}`, async () => {
    const ref = seededBytes(3, 10_500);
    const stats = await patch(ref, new Uint8Array(0), `empty-local-${fileHash}`, fileHash);
    assert.equal(stats.reusedBytes, 0);
    assert.equal(stats.fetchedBytes, ref.length);
  });

  test(`both empty${label}`, async () => {
    const stats = await patch(new Uint8Array(0), new Uint8Array(0), `both-${fileHash}`, fileHash);
    assert.equal(stats.fileSize, 0);
  });
}

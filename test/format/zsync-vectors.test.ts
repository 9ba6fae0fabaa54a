import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeIndex, encodeIndex, readIndexFile } from '../../src/format/index-file.js';
import { META_FILENAME, META_MTIME, META_VERSION, zsyncIndex } from '../../src/format/zsync.js';
import { buildIndex } from '../../src/index/build.js';
import { assertZsyncSums } from '../helpers/zsync-expect.js';
import { FIXED_MTIME, ZSYNC_DATA, zsyncVectors } from '../helpers/zsync-tools.js';

const vectors = zsyncVectors(readFileSync(join(ZSYNC_DATA, 'README.md'), 'utf8'));

test('the README lists the nine zsyncmake 0.6.2 outputs', () => {
  assert.equal(vectors.length, 9);
  assert.ok(vectors.some((v) => v.size === 0));
  assert.ok(vectors.some((v) => v.size > 0 && v.size < v.blockSize));
  assert.ok(vectors.some((v) => v.size % v.blockSize !== 0 && v.size > v.blockSize));
  for (const bs of [512, 2048, 4096, 8192]) assert.ok(vectors.some((v) => v.blockSize === bs), `block size ${bs}`);
  for (const rsum of [2, 3, 4]) assert.ok(vectors.some((v) => v.hashLengths.split(',')[1] === String(rsum)), `rsum_bytes ${rsum}`);
});

for (const v of vectors) {
  const dataPath = join(ZSYNC_DATA, v.data);
  const controlPath = join(ZSYNC_DATA, v.control);

  test(`${v.control}: every header field and every block agrees with deltasync's own sums of ${v.data}`, async () => {
    const index = decodeIndex(await readFile(controlPath), controlPath);
    const data = await readFile(dataPath);
    assert.equal(data.length, v.size);
    assert.equal(index.blockSize, v.blockSize);
    const [seq, rsum, chk] = v.hashLengths.split(',').map(Number);
    assert.equal(index.matchRun, seq);
    assert.equal(index.strongLength, chk);
    assert.equal(index.weakMask, [0, 0x00ff0000, 0xffff0000 | 0, 0xffff00ff | 0, -1][rsum]);
    assert.deepEqual(index.urls, v.urls);
    assert.deepEqual(index.meta, { [META_VERSION]: '0.6.2', [META_FILENAME]: v.data, [META_MTIME]: 'Tue, 14 Nov 2023 22:13:20 +0000' });
    await assertZsyncSums(index, data, v.control);
  });

  test(`${v.control}: readIndexFile reads it (the header checked first against the file's length)`, async () => {
    const index = await readIndexFile(controlPath);
    assert.equal(index.fileSize, v.size);
    assert.equal(index.blockCount, Math.ceil(v.size / v.blockSize));
  });

  test(`${v.control}: decode then encode gives the same bytes`, async () => {
    const bytes = await readFile(controlPath);
    assert.ok(Buffer.from(encodeIndex(decodeIndex(bytes, controlPath), 'zsync')).equals(bytes));
  });

  test(`${v.control}: buildIndex + zsyncIndex + encode writes what zsyncmake wrote`, async () => {
    const full = await buildIndex(dataPath, { blockSize: v.blockSize, strongHash: 'md4', fileHash: 'sha1', paddedTail: true });
    assert.equal(full.paddedTail, true, 'buildIndex pads the last block');
    const z = zsyncIndex(full, { url: v.urls, filename: v.data, mtime: FIXED_MTIME });
    const mine = Buffer.from(encodeIndex(z, 'zsync'));
    const theirs = await readFile(controlPath);
    assert.equal(mine.toString('latin1'), theirs.toString('latin1'));
  });
}

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { weakSum } from '../../src/checksum/rolling.js';
import { loadStrongHash } from '../../src/checksum/registry.js';
import { decodeIndex, encodeIndex, readIndexFile } from '../../src/format/index-file.js';
import { buildIndex } from '../../src/index/build.js';
import { assertSameIndex, hex } from '../helpers/index-compare.js';
import { GOSYNC_VECTORS, gosyncVectors } from '../helpers/vectors.js';

const vectors = gosyncVectors();

test('the vector README lists the seven go-sync vectors', () => {
  assert.deepEqual(
    vectors.map((v) => v.data),
    ['empty.bin', 'one-byte.bin', 'text.txt', 'random-20000.bin', 'random-65536.bin', 'zeros-32768.bin', 'ramp-100000.bin'],
  );
});

for (const v of vectors) {
  const dataPath = join(GOSYNC_VECTORS, v.data);
  const indexPath = join(GOSYNC_VECTORS, v.index);

  test(`${v.index}: decodeIndex reads the header (size ${v.size}, block size ${v.blockSize})`, async () => {
    const bytes = await readFile(indexPath);
    const index = decodeIndex(bytes, indexPath);
    assert.equal(index.fileSize, v.size);
    assert.equal(index.blockSize, v.blockSize);
    assert.equal(index.blockCount, Math.ceil(v.size / v.blockSize));
    assert.equal(index.strongHash, 'md5');
    assert.equal(index.strongLength, 16);
    assert.equal(index.fileHash, undefined);
    assert.equal(bytes.length, 24 + 20 * index.blockCount);
    assert.deepEqual(await readIndexFile(indexPath), index);
  });

  test(`${v.index}: its records are the weak sum and MD5 of each block of ${v.data}`, async () => {
    const data = await readFile(dataPath);
    assert.equal(data.length, v.size);
    const index = await readIndexFile(indexPath);
    const md5 = await loadStrongHash('md5');
    for (let k = 0; k < index.blockCount; k++) {
      const block = data.subarray(k * v.blockSize, Math.min(v.size, (k + 1) * v.blockSize));
      assert.equal(index.weak[k] >>> 0, weakSum(block), `weak sum of block ${k}`);
      assert.equal(hex(index.strong.subarray(k * 16, (k + 1) * 16)), hex(md5.digest(block)), `md5 of block ${k}`);
    }
  });

  test(`${v.index}: buildIndex of ${v.data} at block size ${v.blockSize} agrees on every block`, async () => {
    const built = await buildIndex(dataPath, { blockSize: v.blockSize, threads: 1 });
    assertSameIndex(built, await readIndexFile(indexPath), v.data);
  });

  test(`${v.index}: encodeIndex(buildIndex(${v.data})) is byte-identical to the Go tool's file`, async () => {
    const built = await buildIndex(dataPath, { blockSize: v.blockSize });
    const expected = await readFile(indexPath);
    assert.equal(hex(encodeIndex(built)), hex(expected));
    assert.equal(hex(encodeIndex(built, 'gosync')), hex(expected));
  });

  test(`${v.index}: encodeIndex(decodeIndex(bytes)) gives the same bytes back`, async () => {
    const expected = await readFile(indexPath);
    assert.equal(hex(encodeIndex(decodeIndex(expected, indexPath))), hex(expected));
  });
}

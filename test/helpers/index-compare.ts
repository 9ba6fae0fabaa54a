import assert from 'node:assert/strict';
import type { BlockIndex } from '../../src/index.js';

/** Asserts that two indexes describe the same blocks with the same settings. */
export function assertSameIndex(actual: BlockIndex, expected: BlockIndex, what = 'index'): void {
  assert.equal(actual.fileSize, expected.fileSize, `${what}: fileSize`);
  assert.equal(actual.blockSize, expected.blockSize, `${what}: blockSize`);
  assert.equal(actual.blockCount, expected.blockCount, `${what}: blockCount`);
  assert.equal(actual.strongHash, expected.strongHash, `${what}: strongHash`);
  assert.equal(actual.strongLength, expected.strongLength, `${what}: strongLength`);
  assert.equal(actual.weak.length, expected.blockCount, `${what}: weak.length`);
  assert.equal(actual.strong.length, expected.blockCount * expected.strongLength, `${what}: strong.length`);
  for (let k = 0; k < expected.blockCount; k++) {
    assert.equal(actual.weak[k], expected.weak[k], `${what}: weak sum of block ${k}`);
    const sl = expected.strongLength;
    assert.equal(
      hex(actual.strong.subarray(k * sl, (k + 1) * sl)),
      hex(expected.strong.subarray(k * sl, (k + 1) * sl)),
      `${what}: strong digest of block ${k}`,
    );
  }
  assert.equal(actual.fileHash?.algorithm, expected.fileHash?.algorithm, `${what}: fileHash algorithm`);
  assert.equal(
    actual.fileHash && hex(actual.fileHash.digest),
    expected.fileHash && hex(expected.fileHash.digest),
    `${what}: fileHash digest`,
  );
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

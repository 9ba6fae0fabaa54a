import type { BlockIndex } from '../index/block-index.js';

/** Bytes per record: a 4-byte little-endian weak sum, then the strong digest. */
export function recordSize(strongLength: number): number {
  return 4 + strongLength;
}

/** Writes the block records of `index` into `out` starting at `offset`. */
export function writeRecords(index: BlockIndex, out: Uint8Array, offset: number): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const sl = index.strongLength;
  for (let k = 0, p = offset; k < index.blockCount; k++, p += 4 + sl) {
    view.setInt32(p, index.weak[k], true);
    out.set(index.strong.subarray(k * sl, (k + 1) * sl), p + 4);
  }
}

/** Reads `count` block records of `strongLength` bytes from `bytes` at `offset`. */
export function readRecords(
  bytes: Uint8Array,
  offset: number,
  count: number,
  strongLength: number,
): { weak: Int32Array; strong: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const weak = new Int32Array(count);
  const strong = new Uint8Array(count * strongLength);
  for (let k = 0, p = offset; k < count; k++, p += 4 + strongLength) {
    weak[k] = view.getInt32(p, true);
    strong.set(bytes.subarray(p + 4, p + 4 + strongLength), k * strongLength);
  }
  return { weak, strong };
}

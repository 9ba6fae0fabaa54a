import type { StrongHash } from '../checksum/strong-hash.js';
import { weakParts } from '../checksum/rolling.js';

/**
 * Computes the sums of whole blocks held in `data` (block `firstBlock` starts at `data[0]`; the
 * last one may be short if `data` ends there) into `weak` and `strong` (`strongLength` bytes each).
 */
export function sumBlocks(
  data: Uint8Array,
  firstBlock: number,
  blockSize: number,
  hash: StrongHash,
  strongLength: number,
  weak: Int32Array,
  strong: Uint8Array,
): void {
  for (let off = 0, k = firstBlock; off < data.length; off += blockSize, k++) {
    const end = Math.min(off + blockSize, data.length);
    weak[k] = weakParts(data, off, end);
    const d = hash.digest(data.subarray(off, end));
    strong.set(d.length === strongLength ? d : d.subarray(0, strongLength), k * strongLength);
  }
}

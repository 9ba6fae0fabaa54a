import type { StrongHash } from '../checksum/strong-hash.js';
import { weakParts } from '../checksum/rolling.js';
import { VerificationError } from '../errors/errors.js';
import { summedBytes } from '../index/build-sums.js';
import { type BlockIndex, weakMaskOf } from '../index/block-index.js';
import { equalBytes } from '../util/bytes.js';

/** What checking blocks needs of an index (its sums may be in shared memory). */
export type VerifyLayout = Pick<BlockIndex, 'blockSize' | 'strongLength' | 'weak' | 'strong' | 'weakMask' | 'paddedTail'>;

/** The parts of `index` that {@link verifyBlocks} reads, for sending to another thread. */
export function verifyLayout(index: VerifyLayout, weak = index.weak, strong = index.strong): VerifyLayout {
  return {
    blockSize: index.blockSize,
    strongLength: index.strongLength,
    weak,
    strong,
    weakMask: weakMaskOf(index),
    paddedTail: index.paddedTail === true,
  };
}

/**
 * Checks whole blocks held in `data` (block `firstBlock` at `data[0]`) against the index, weak
 * sum and strong digest both. Throws a {@link VerificationError} naming `name`, the block and its
 * offset in `name` (where `data` starts at `fileOffset`: by default the block's own offset in
 * the reference) at the first that differs.
 */
export function verifyBlocks(
  data: Uint8Array,
  firstBlock: number,
  index: VerifyLayout,
  hash: StrongHash,
  name: string,
  problem = 'does not match the index',
  fileOffset = firstBlock * index.blockSize,
): void {
  const L = index.blockSize;
  const sl = index.strongLength;
  const mask = weakMaskOf(index);
  const padded = index.paddedTail === true;
  for (let off = 0, k = firstBlock; off < data.length; off += L, k++) {
    const block = summedBytes(data.subarray(off, Math.min(off + L, data.length)), L, padded);
    const ok =
      (weakParts(block, 0, block.length) & mask) === (index.weak[k] & mask) &&
      equalBytes(hash.digest(block), 0, index.strong, k * sl, sl);
    if (!ok) {
      throw new VerificationError(`${name}: block ${k} at offset ${fileOffset + off} ${problem} (${hash.name} differs)`);
    }
  }
}

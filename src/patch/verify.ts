import type { StrongHash } from '../checksum/strong-hash.js';
import { weakParts } from '../checksum/rolling.js';
import { VerificationError } from '../errors/errors.js';
import type { BlockIndex } from '../index/block-index.js';

/**
 * Checks whole blocks held in `data` (block `firstBlock` at `data[0]`) against the index, weak
 * sum and strong digest both. Throws a {@link VerificationError} naming `name`, the block and its
 * offset in `name` (where `data` starts at `fileOffset`: by default the block's own offset in
 * the reference) at the first that differs.
 */
export function verifyBlocks(
  data: Uint8Array,
  firstBlock: number,
  index: Pick<BlockIndex, 'blockSize' | 'strongLength' | 'weak' | 'strong'>,
  hash: StrongHash,
  name: string,
  problem = 'does not match the index',
  fileOffset = firstBlock * index.blockSize,
): void {
  const L = index.blockSize;
  const sl = index.strongLength;
  for (let off = 0, k = firstBlock; off < data.length; off += L, k++) {
    const end = Math.min(off + L, data.length);
    let ok = weakParts(data, off, end) === index.weak[k];
    if (ok) {
      const d = hash.digest(data.subarray(off, end));
      for (let i = 0; i < sl && ok; i++) ok = d[i] === index.strong[k * sl + i];
    }
    if (!ok) {
      throw new VerificationError(`${name}: block ${k} at offset ${fileOffset + off} ${problem} (${hash.name} differs)`);
    }
  }
}

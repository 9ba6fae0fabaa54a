import { hasLanes, SimdSums } from '../checksum/simd-sums.js';
import type { StrongHash } from '../checksum/strong-hash.js';
import { weakParts } from '../checksum/rolling.js';
import { VerificationError } from '../errors/errors.js';
import { sumBlocks, summedBytes } from '../index/build-sums.js';
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
  const fail = (k: number, off: number) => new VerificationError(`${name}: block ${k} at offset ${fileOffset + off} ${problem} (${hash.name} differs)`);
  // Whole blocks four at a time where the hash has SIMD lanes (MD5, MD4: about 2.5x OpenSSL's one at a time).
  const inLanes = hasLanes(hash.name) && L * LANES <= LANE_BUFFER ? Math.floor(data.length / (LANES * L)) * LANES * L : 0;
  if (inLanes > 0) {
    const bad = firstBadInLanes(data.subarray(0, inLanes), firstBlock, index, hash, mask);
    if (bad >= 0) throw fail(firstBlock + bad, bad * L);
  }
  for (let off = inLanes, k = firstBlock + inLanes / L; off < data.length; off += L, k++) {
    const block = summedBytes(data.subarray(off, Math.min(off + L, data.length)), L, padded);
    const ok =
      (weakParts(block, 0, block.length) & mask) === (index.weak[k] & mask) &&
      equalBytes(hash.digest(block), 0, index.strong, k * sl, sl);
    if (!ok) throw fail(k, off);
  }
}

const LANES = 4;
/** Bytes of this thread's SIMD memory that data is copied into to be summed. */
const LANE_BUFFER = 1024 * 1024;
let lanes: { sums: SimdSums; buffer: Uint8Array } | undefined;

/**
 * The first of the whole blocks in `data` (a multiple of four blocks) whose sums differ from the
 * index's, or -1: summed as the index build sums them ({@link sumBlocks}, four lanes at a time).
 */
function firstBadInLanes(data: Uint8Array, firstBlock: number, index: VerifyLayout, hash: StrongHash, mask: number): number {
  const L = index.blockSize;
  const sl = index.strongLength;
  const { sums, buffer } = (lanes ??= SimdSums.withBuffer(LANE_BUFFER));
  const chunk = Math.floor(LANE_BUFFER / (LANES * L)) * LANES * L;
  const got = { blockSize: L, hash: hash.name, strongLength: sl, paddedTail: false, weak: new Int32Array(chunk / L), strong: new Uint8Array((chunk / L) * sl) };
  for (let at = 0; at < data.length; at += chunk) {
    const n = Math.min(chunk, data.length - at);
    buffer.set(data.subarray(at, at + n));
    sumBlocks(buffer.subarray(0, n), 0, got, hash, sums);
    for (let j = 0; j < n / L; j++) {
      const k = firstBlock + at / L + j;
      if ((got.weak[j] & mask) !== (index.weak[k] & mask) || !equalBytes(got.strong, j * sl, index.strong, k * sl, sl)) return at / L + j;
    }
  }
  return -1;
}

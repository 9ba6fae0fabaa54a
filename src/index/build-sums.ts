import type { FileHandle } from 'node:fs/promises';
import type { StrongHash } from '../checksum/strong-hash.js';
import { forEachPiece } from '../util/file-io.js';
import { addProgress } from '../util/progress.js';
import { weakParts } from '../checksum/rolling.js';
import { hasLanes, SimdSums } from '../checksum/simd-sums.js';

/** Where and how block sums are computed: the index's shape and its (shared) sum arrays. */
export interface BlockSumsLayout {
  blockSize: number;
  /** Registry name of the strong hash. */
  hash: string;
  strongLength: number;
  /** Whether a short last block is summed zero-padded to the block size (zsync). */
  paddedTail: boolean;
  weak: Int32Array;
  strong: Uint8Array;
}

/** Blocks summed per call into the SIMD kernel: one per lane. */
const LANES = 4;

/** The bytes a block's sums cover: `data` itself, or zero-padded to the block size for a padded tail. */
export function summedBytes(data: Uint8Array, blockSize: number, paddedTail: boolean): Uint8Array {
  if (!paddedTail || data.length >= blockSize) return data;
  const padded = new Uint8Array(blockSize);
  padded.set(data);
  return padded;
}

/**
 * Computes the sums of whole blocks held in `data` (block `firstBlock` starts at `data[0]`; the
 * last one may be short if `data` ends there) into the layout's arrays; with `simd` (whose
 * memory `data` must lie in), in WebAssembly.
 */
export function sumBlocks(data: Uint8Array, firstBlock: number, l: BlockSumsLayout, hash: StrongHash, simd?: SimdSums): void {
  const { blockSize, strongLength, weak, strong } = l;
  let off = 0;
  let k = firstBlock;
  if (simd) {
    // Whole blocks four at a time, where the hash has lanes; the rest below.
    const lanes = hasLanes(l.hash);
    const digests = new Uint8Array(16 * LANES);
    for (; off + blockSize <= data.length; ) {
      const count = lanes ? Math.min(LANES, Math.floor((data.length - off) / blockSize)) : 1;
      if (lanes) simd.digestRuns(l.hash, data, off, blockSize, count, digests, 0);
      for (let j = 0; j < count; j++, off += blockSize, k++) {
        weak[k] = simd.weak(data, off, blockSize);
        const d = lanes ? digests.subarray(16 * j, 16 * j + 16) : hash.digest(data.subarray(off, off + blockSize));
        strong.set(d.length === strongLength ? d : d.subarray(0, strongLength), k * strongLength);
      }
    }
  }
  for (; off < data.length; off += blockSize, k++) {
    const block = summedBytes(data.subarray(off, Math.min(off + blockSize, data.length)), blockSize, l.paddedTail);
    weak[k] = weakParts(block, 0, block.length);
    const d = hash.digest(block);
    strong.set(d.length === strongLength ? d : d.subarray(0, strongLength), k * strongLength);
  }
}

/** Bytes read at a time when summing a file. */
export const SUM_PIECE = 4 * 1024 * 1024;

/**
 * Computes the sums of blocks `from ≤ k < to` of an open file, reading it in pieces of about
 * {@link SUM_PIECE} bytes; `onData` sees every byte read, in order (for a whole-file hash).
 * @param simdModule - the compiled SIMD kernel (checksum/simd-sums.ts), handed over by the
 *   thread that compiled it; compiled here otherwise.
 */
export async function sumFileBlocks(
  fh: FileHandle,
  path: string,
  fileSize: number,
  from: number,
  to: number,
  l: BlockSumsLayout,
  hash: StrongHash,
  onData?: (data: Uint8Array) => void,
  progress?: BigInt64Array,
  simdModule?: WebAssembly.Module,
): Promise<void> {
  const piece = Math.max(1, Math.floor(SUM_PIECE / l.blockSize)) * l.blockSize;
  const end = Math.min(fileSize, to * l.blockSize);
  // The file is read straight into the SIMD kernel's memory.
  let simd: SimdSums | undefined;
  const into = (bytes: number) => {
    const own = SimdSums.withBuffer(bytes, simdModule);
    simd = own.sums;
    return own.buffer;
  };
  await forEachPiece(
    fh,
    path,
    from * l.blockSize,
    end,
    piece,
    'shrank while it was read',
    (data, off) => {
      onData?.(data);
      sumBlocks(data, off / l.blockSize, l, hash, simd);
      addProgress(progress, data.length);
    },
    into,
  );
}

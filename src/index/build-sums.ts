import type { FileHandle } from 'node:fs/promises';
import type { StrongHash } from '../checksum/strong-hash.js';
import { forEachPiece } from '../util/file-io.js';
import { addProgress } from '../util/progress.js';
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

/** Bytes read at a time when summing a file. */
export const SUM_PIECE = 4 * 1024 * 1024;

/**
 * Computes the sums of blocks `from ≤ k < to` of an open file, reading it in pieces of about
 * {@link SUM_PIECE} bytes; `onData` sees every byte read, in order (for a whole-file hash).
 */
export async function sumFileBlocks(
  fh: FileHandle,
  path: string,
  fileSize: number,
  from: number,
  to: number,
  blockSize: number,
  hash: StrongHash,
  strongLength: number,
  weak: Int32Array,
  strong: Uint8Array,
  onData?: (data: Uint8Array) => void,
  progress?: BigInt64Array,
): Promise<void> {
  const piece = Math.max(1, Math.floor(SUM_PIECE / blockSize)) * blockSize;
  const end = Math.min(fileSize, to * blockSize);
  await forEachPiece(fh, path, from * blockSize, end, piece, 'shrank while it was read', (data, off) => {
    onData?.(data);
    sumBlocks(data, off / blockSize, blockSize, hash, strongLength, weak, strong);
    addProgress(progress, data.length);
  });
}

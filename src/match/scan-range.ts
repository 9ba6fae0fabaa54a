import type { FileHandle } from 'node:fs/promises';
import type { StrongHash } from '../checksum/strong-hash.js';
import { readExactly } from '../util/file-io.js';
import { addProgress } from '../util/progress.js';
import type { MatchList, ScanCounters } from './match-list.js';
import { acquireRollKernel, releaseRollKernel } from './roll-kernel.js';
import { newScanState, scanBuffer, scanEveryOffset, type ScanState, type ScanTables } from './scan-buffer.js';

/** Bytes of window starts scanned per read: large enough that re-reading the overlap is noise. */
export const SCAN_PIECE = 4 * 1024 * 1024;

/** A flag in shared memory that stops every scan of one call, on any thread, at its next piece. */
export type AbortFlag = Int32Array;

/** Throws when `flag` is set (by {@link raiseAbort}). */
export function checkAbort(flag: AbortFlag | undefined): void {
  if (flag !== undefined && Atomics.load(flag, 0) !== 0) {
    throw Object.assign(new Error('The scan was aborted'), { name: 'AbortError' });
  }
}

/**
 * Scans window starts `from ≤ p < to` of an open file, streaming it in pieces of
 * {@link SCAN_PIECE} bytes (plus the overlap a window needs), so memory stays bounded. The cost
 * of a piece is bounded (see {@link ScanState}), and `abort` is checked before each one. With
 * `everyOffset`, the second look's scan ({@link scanEveryOffset}) instead of the main one.
 * @returns the next offset to examine, as {@link scanBuffer} does.
 */
export async function scanFileRange(
  fh: FileHandle,
  name: string,
  fileSize: number,
  t: ScanTables,
  hash: StrongHash,
  from: number,
  to: number,
  out: MatchList,
  c: ScanCounters,
  piece = SCAN_PIECE,
  progress?: BigInt64Array,
  st: ScanState = newScanState(),
  abort?: AbortFlag,
  everyOffset = false,
): Promise<number> {
  const overlap = t.blockSize + t.shortLength;
  const size = Math.min(piece, Math.max(0, to - from)) + overlap;
  // The kernel scans its own memory: the file is read there. Otherwise a plain Uint8Array (not a
  // Buffer) keeps the hot loop's element access monomorphic.
  const kernel = t.kernel && !everyOffset ? acquireRollKernel(t.kernel, t.bits, size) : undefined;
  const buf = kernel ? kernel.buffer : new Uint8Array(size);
  try {
    let p = from;
    while (p < to) {
      const pieceEnd = Math.min(to, p + piece);
      const readEnd = Math.min(fileSize, pieceEnd - 1 + overlap);
      if (readEnd - p < Math.min(t.blockSize, t.shortLength || t.blockSize)) return Math.max(p, to);
      checkAbort(abort);
      const data = buf.subarray(0, readEnd - p);
      await readExactly(fh, data, data.length, p, name, 'shrank while it was scanned');
      const before = p;
      p = everyOffset ? scanEveryOffset(t, hash, data, p, p, pieceEnd, fileSize, out, c, st) : scanBuffer(t, hash, data, p, p, pieceEnd, fileSize, out, c, st, kernel);
      addProgress(progress, Math.min(p, to) - before);
    }
    return p;
  } finally {
    if (kernel) releaseRollKernel(kernel);
  }
}

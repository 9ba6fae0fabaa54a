import type { FileHandle } from 'node:fs/promises';
import type { StrongHash } from '../checksum/strong-hash.js';
import { readExactly } from '../util/file-io.js';
import { addProgress } from '../util/progress.js';
import type { MatchList, ScanCounters } from './match-list.js';
import { type FoundSink, writeFound } from './found-sink.js';
import { acquireRollKernel, releaseRollKernel } from './roll-kernel.js';
import { newScanState, scanBuffer, scanEveryOffset, type ScanState, type ScanTables, windowReach } from './scan-buffer.js';

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
 * `everyOffset`, the second look's scan ({@link scanEveryOffset}) instead of the main one. With
 * `sink`, the blocks found are written there as each piece is scanned ({@link writeFound}).
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
  sink?: FoundSink,
): Promise<number> {
  const overlap = windowReach(t);
  const size = Math.min(piece, Math.max(0, to - from)) + overlap;
  // Two buffers: the next piece is read (on libuv's threads) while this one is scanned. The
  // kernel scans its own memory, so the file is read there. Otherwise plain Uint8Arrays (not
  // Buffers) keep the hot loop's element access monomorphic.
  const kernel = t.kernel ? acquireRollKernel(t.kernel, t, 2 * size) : undefined;
  const bufs = kernel ? [kernel.buffer.subarray(0, size), kernel.buffer.subarray(size)] : [new Uint8Array(size), new Uint8Array(size)];
  // Piece k holds the windows that start in [base, base + piece), wherever the scan is: it
  // starts from where the last piece's scan got to, which a match may have put past base.
  const read = async (base: number, slot: number): Promise<Uint8Array> => {
    const data = bufs[slot].subarray(0, Math.min(fileSize, Math.min(to, base + piece) - 1 + overlap) - base);
    await readExactly(fh, data, data.length, base, name, 'shrank while it was scanned');
    return data;
  };
  let pending: Promise<Uint8Array> | undefined;
  try {
    let p = from;
    let slot = 0;
    for (let base = from; base < to; base += piece, slot ^= 1) {
      const pieceEnd = Math.min(to, base + piece);
      const readEnd = Math.min(fileSize, pieceEnd - 1 + overlap);
      if (readEnd - Math.max(p, base) < Math.min(t.blockSize, t.shortLength || t.blockSize)) return Math.max(p, to);
      checkAbort(abort);
      const data = await (pending ?? read(base, slot));
      pending = pieceEnd < to && readEnd < fileSize ? read(pieceEnd, slot ^ 1) : undefined;
      // Observed by the next turn's await; this keeps a failure while this piece is scanned
      // (or after an abort) from going unhandled.
      pending?.catch(() => {});
      if (p >= pieceEnd) continue;
      const before = p;
      const at = Math.max(p, base);
      const found = out.length;
      p = everyOffset ? scanEveryOffset(t, hash, data, base, at, pieceEnd, fileSize, out, c, st, kernel) : scanBuffer(t, hash, data, base, at, pieceEnd, fileSize, out, c, st, kernel);
      if (sink) writeFound(sink, out, found, data, base);
      addProgress(progress, Math.min(p, to) - before);
    }
    return p;
  } finally {
    // The kernel's buffer is not given back while a read into it may still be going on.
    await pending?.catch(() => {});
    if (kernel) releaseRollKernel(kernel);
  }
}

/**
 * The second look's scan (see scan.ts) of many short ranges `[ranges[2k], ranges[2k + 1])` of
 * window starts, in order: a batch of ranges up to `batch` bytes is read at once (one wait for
 * the disk and libuv's threads instead of one per range), then every offset of each is examined
 * ({@link scanEveryOffset}). A range longer than a batch is scanned alone, piece by piece.
 */
export async function scanRangesEveryOffset(
  fh: FileHandle,
  name: string,
  fileSize: number,
  t: ScanTables,
  hash: StrongHash,
  ranges: readonly number[],
  out: MatchList,
  c: ScanCounters,
  st: ScanState,
  abort?: AbortFlag,
  batch = SCAN_PIECE,
  sink?: FoundSink,
): Promise<void> {
  const overlap = windowReach(t);
  const bytesOf = (r: number) => Math.max(0, Math.min(fileSize, ranges[r + 1] - 1 + overlap) - ranges[r]);
  let r = 0;
  while (r < ranges.length) {
    checkAbort(abort);
    if (bytesOf(r) > batch) {
      await scanFileRange(fh, name, fileSize, t, hash, ranges[r], ranges[r + 1], out, c, batch, undefined, st, abort, true, sink);
      r += 2;
      continue;
    }
    const first = r;
    let total = 0;
    for (; r < ranges.length && bytesOf(r) <= batch && total + bytesOf(r) <= batch; r += 2) total += bytesOf(r);
    const kernel = t.kernel ? acquireRollKernel(t.kernel, t, total) : undefined;
    const all = kernel ? kernel.buffer.subarray(0, total) : new Uint8Array(total);
    try {
      const reads: Promise<unknown>[] = [];
      for (let q = first, at = 0; q < r; at += bytesOf(q), q += 2) {
        reads.push(readExactly(fh, all.subarray(at, at + bytesOf(q)), bytesOf(q), ranges[q], name, 'shrank while it was scanned'));
      }
      // Every read ends before the buffer is scanned or given back; the first failure is thrown.
      const done = await Promise.allSettled(reads);
      for (const d of done) if (d.status === 'rejected') throw d.reason;
      for (let q = first, at = 0; q < r; at += bytesOf(q), q += 2) {
        const found = out.length;
        const data = all.subarray(at, at + bytesOf(q));
        scanEveryOffset(t, hash, data, ranges[q], ranges[q], ranges[q + 1], fileSize, out, c, st, kernel);
        if (sink) writeFound(sink, out, found, data, ranges[q]);
      }
    } finally {
      if (kernel) releaseRollKernel(kernel);
    }
  }
}

import { writeSync } from 'node:fs';
import { sharedArray } from '../util/shared-memory.js';
import type { MatchList } from './match-list.js';

/**
 * An output the scan writes blocks into as it finds them, at their places in the reference, as
 * zsync does: the bytes written are the very bytes whose digests were just checked, still in the
 * scanner's buffer, so they are neither read again nor checked again, and the disk takes them
 * while the scan goes on. Any thread of the scan may write (a file descriptor is the process's).
 * What the scan did not write (blocks found where a write would not pay, or not found) is left
 * to the patcher, which reads {@link FoundSink.written}.
 */
export interface FoundSink {
  /** The output's file descriptor (a temporary file until the patch is verified). */
  readonly fd: number;
  /** Size of the reference. */
  readonly fileSize: number;
  readonly blockSize: number;
  /**
   * Matches in a row a block needs before it is written: the index's `matchRun`. With truncated
   * digests (zsync's) one match alone may be a collision, which the pair rule turns away later.
   */
  readonly matchRun: number;
  /** Per reference block, 1 once written (shared memory: set by whichever thread wrote it). */
  readonly written: Uint8Array;
  /** `[0]`: blocks written so far (for the writer's early syncs while the scan runs). */
  readonly count: Int32Array;
}

/** A {@link FoundSink} writing to `fd` for an index of `blockCount` blocks. */
export function foundSink(fd: number, fileSize: number, blockSize: number, blockCount: number, matchRun: number): FoundSink {
  return { fd, fileSize, blockSize, matchRun, written: sharedArray(Uint8Array, blockCount), count: sharedArray(Int32Array, 1) };
}

/**
 * Writes the blocks of `out[from..]` (matches just found in `data`, which holds the file from
 * offset `base`) into the sink: runs of matches of consecutive blocks at consecutive offsets
 * become one write each; blocks already written are skipped; a match whose bytes are not all in
 * `data` is left to the patcher.
 */
export function writeFound(sink: FoundSink, out: MatchList, from: number, data: Uint8Array, base: number): void {
  const L = sink.blockSize;
  const { pos, block } = out;
  const written = sink.written;
  let j = from;
  while (j < out.length) {
    let e = j + 1;
    while (e < out.length && block[e] === block[e - 1] + 1 && pos[e] === pos[e - 1] + L) e++;
    if (e - j >= sink.matchRun) {
      // Blocks block[j] .. block[e - 1], from file offset pos[j]: write the parts not yet written.
      for (const [k, m] of unwrittenRuns(written, block[j], block[e - 1] + 1)) {
        const start = k * L;
        const end = Math.min(sink.fileSize, m * L);
        const at = pos[j] + start - block[j] * L - base;
        if (at >= 0 && at + (end - start) <= data.length && end > start) {
          for (let w = 0; w < end - start; ) w += writeSync(sink.fd, data, at + w, end - start - w, start + w);
          written.fill(1, k, m);
          Atomics.add(sink.count, 0, m - k);
        }
      }
    }
    j = e;
  }
}

/** The runs `[k, m)` of blocks `first ≤ k < end` not marked in `written`, in order. */
export function unwrittenRuns(written: Uint8Array, first: number, end: number): [number, number][] {
  const runs: [number, number][] = [];
  for (let k = first; k < end; ) {
    if (written[k]) {
      k++;
      continue;
    }
    let m = k;
    while (m < end && !written[m]) m++;
    runs.push([k, m]);
    k = m;
  }
  return runs;
}

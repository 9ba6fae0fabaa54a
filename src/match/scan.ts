import { availableParallelism } from 'node:os';
import type { FileHandle } from 'node:fs/promises';
import { loadStrongHash } from '../checksum/registry.js';
import type { StrongHash } from '../checksum/strong-hash.js';
import { ArgumentError, checkCount, checkPath } from '../errors/errors.js';
import { openRegularFile, readExactly } from '../util/file-io.js';
import { progressCounter, type ProgressCallback, reportProgress } from '../util/progress.js';
import { type BlockIndex, blockLength, checkIndex } from '../index/block-index.js';
import { buildLookup, type LookupTables } from '../index/lookup.js';
import { WorkerPool } from '../parallel/pool.js';
import { assignBlocks } from './assign.js';
import { MatchList, newCounters, type ScanCounters } from './match-list.js';
import { CHUNKS_PER_THREAD, MIN_CHUNK, scanInParallel, type StitchContext, WORKERS_PAY_FROM_MS, workersIfTheyPay, workersNow } from './parallel-scan.js';
import { weakParts } from '../checksum/rolling.js';
import { sharedArray } from '../util/shared-memory.js';
import { HASH_LIMIT, isShortBlockAt, newScanState, type ScanTables, scanTables } from './scan-buffer.js';
import { type AbortFlag, checkAbort, SCAN_PIECE, scanFileRange, scanRangesEveryOffset } from './scan-range.js';
import { scanKernel } from './roll-kernel.js';
import { scanJob } from './scan-job.js';
import type { FoundSink } from './found-sink.js';

/** Options of {@link scanFile}. */
export interface ScanOptions {
  /** Worker threads to scan with; default: every core (`os.availableParallelism()`). */
  threads?: number;
  /** A pool to run on instead of starting (and ending) one; the calling thread scans too. */
  pool?: WorkerPool;
  /**
   * A file smaller than twice this is scanned on the calling thread alone. Default 32 MiB, or
   * 2 MiB when `pool` is given (its workers are already running). Chunks are at least this, or
   * 4 MiB if that is less. (Measured whole processes, 2 cores, few matches: 40 MiB took
   * 0.39–0.49 s on 1 thread and 0.49–0.52 s on 2 as workers boot; 128 MiB 0.97–1.14 s and
   * 0.80–0.88 s.)
   */
  minChunk?: number;
  /**
   * Without `pool`: the projected time of the scan on the calling thread alone (measured as it
   * starts) from which it starts worker threads of its own. Default
   * {@link WORKERS_PAY_FROM_MS} (600 ms: below it, workers cost more than they give on 2 cores);
   * 0 starts them for any file large enough to split.
   */
  workersFromMs?: number;
  /** Bytes a scanner reads at a time. Default 4 MiB. */
  piece?: number;
  /** Told how many bytes of the local file are scanned, a few times a second and at the end. */
  onProgress?: ProgressCallback;
  /** Lookup tables already built for the index. */
  lookup?: LookupTables;
  /** Stops the scan: it throws the signal's reason. */
  signal?: AbortSignal;
  /**
   * Where to write the blocks found as they are found (the patcher's output; see
   * match/found-sink.ts). Unstable: its type is in `deltasync/internals`.
   */
  sink?: FoundSink;
}

/**
 * What a scan found and what it cost; the fields go-sync's diff prints. The matches are the same
 * whatever the thread count; the counters count work done, and a parallel scan does a little more
 * of it where chunks meet (offsets a worker examined that the stitched result does not use).
 */
export interface ScanStats extends ScanCounters {
  /** Size of the local file scanned. */
  localSize: number;
  /** Reference blocks whose content the local file holds. */
  matchedBlocks: number;
  /** Bytes of the reference those blocks cover. */
  matchedBytes: number;
  /** Bytes of the reference still to fetch. */
  fetchBytes: number;
  /** Threads that scanned (1 for a file too small to split). */
  threads: number;
  /** Wall-clock time of the scan, tables included. */
  milliseconds: number;
}

/** The result of {@link scanFile}. */
export interface ScanResult {
  /** Every match (main scan, last-block searches and second look), in offset order. Unstable: its type is in `deltasync/internals`. */
  matches: MatchList;
  /** For each reference block, a local offset holding it, or -1. */
  blockOffsets: Float64Array;
  /** What the scan found and cost. */
  stats: ScanStats;
}

/**
 * Scans a local file against an index and reports, for every reference block, where the local
 * file holds it. Large files are split into chunks scanned by worker threads in parallel; the
 * chunks are then stitched so that the result is exactly that of a single-threaded scan.
 *
 * @example
 * ```ts
 * const index = await readIndexFile('new.iso.gosync');
 * const { blockOffsets, stats } = await scanFile('old.iso', index);
 * console.log(`${stats.matchedBlocks} of ${index.blockCount} blocks found locally`);
 * ```
 */
export async function scanFile(localPath: string, index: BlockIndex, options: ScanOptions = {}): Promise<ScanResult> {
  checkPath('localPath', localPath);
  checkIndex(index);
  const threads = options.threads ?? availableParallelism();
  checkCount('threads', threads);
  if (options.minChunk !== undefined) checkCount('minChunk', options.minChunk);
  if (options.piece !== undefined) checkCount('piece', options.piece);
  if (options.workersFromMs !== undefined && !(options.workersFromMs >= 0)) throw new ArgumentError(`workersFromMs must be a number ≥ 0, not ${options.workersFromMs}`);
  const signal = options.signal;
  signal?.throwIfAborted();
  const started = performance.now();
  // Every scanner of this call, on any thread, checks this flag before each piece it reads.
  const abort = sharedArray(Int32Array, 1);
  const onAbort = () => Atomics.store(abort, 0, 1);
  signal?.addEventListener('abort', onAbort, { once: true });
  const fh = await openRegularFile(localPath);
  let ownPool: WorkerPool | undefined;
  const progress = progressCounter();
  let stopReporting: (completed: boolean) => void = () => {};
  try {
    const localSize = (await fh.stat()).size;
    // Booting a worker costs tens of milliseconds: without a warm pool, files under 64 MiB stay on this thread.
    const minChunk = Math.max(options.minChunk ?? (options.pool ? 2 : 32) * 1024 * 1024, index.blockSize);
    const parallel = threads > 1 && index.blockCount > 0 && localSize >= 2 * minChunk;
    // Several chunks per thread, taken by whoever is free: the calling thread starts at once and
    // takes more while workers boot, and a slow thread holds up no more than one chunk.
    const chunkCount = parallel ? Math.min(threads * CHUNKS_PER_THREAD, Math.floor(localSize / Math.min(minChunk, MIN_CHUNK))) : 1;
    const workers = Math.min(threads, chunkCount) - 1;
    const pool = workers > 0 ? options.pool : undefined;
    const lookup = options.lookup ?? buildLookup(index);
    const hash = await loadStrongHash(index.strongHash);
    const tables = scanTables(lookup, scanKernel());
    const counters = newCounters();
    const matches = new MatchList();
    const piece = options.piece ?? SCAN_PIECE;
    const state = newScanState();
    stopReporting = reportProgress(progress, localSize, options.onProgress);
    let threadsUsed = 1;
    if (workers === 0) {
      await scanFileRange(fh, localPath, localSize, tables, hash, 0, localSize, matches, counters, piece, progress, state, abort, false, options.sink);
    } else {
      const ctx: StitchContext = { fh, localPath, localSize, tables, hash, counters, matches, progress, state, abort, sink: options.sink };
      // A pool of the caller's is running already; one of our own starts only if it pays.
      const startPool = () => (ownPool = new WorkerPool(workers).warm(scanJob));
      const decision = pool ? workersNow(pool) : workersIfTheyPay(progress, localSize, startPool, options.workersFromMs);
      threadsUsed = await scanInParallel(ctx, lookup, chunkCount, piece, decision, Math.min(workers, pool?.size ?? workers));
    }
    stopReporting(true);
    const local: LocalFile = { fh, path: localPath, size: localSize, hash, counters, abort, piece, sink: options.sink };
    await findTail(local, tables, matches);
    const mainMatches = MatchList.fromArrays(matches.toArrays());
    matches.sortByPosition();
    let blockOffsets = assignBlocks(matches, lookup);
    const extra = await secondLook(local, index, lookup, mainMatches, blockOffsets);
    if (extra.length > 0) {
      matches.append(extra);
      matches.sortByPosition();
      blockOffsets = assignBlocks(matches, lookup);
    }
    const stats: ScanStats = {
      ...counters,
      localSize,
      ...matchedTotals(index, blockOffsets),
      threads: threadsUsed,
      milliseconds: performance.now() - started,
    };
    return { matches, blockOffsets, stats };
  } catch (err) {
    // A worker that saw the flag first says only that it stopped: the caller's reason is the one.
    if (signal?.aborted) throw signal.reason;
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stopReporting(false);
    await fh.close();
    await ownPool?.close();
  }
}

/** What the steps after the main scan need of the local file. */
interface LocalFile {
  fh: FileHandle;
  path: string;
  size: number;
  hash: StrongHash;
  counters: ScanCounters;
  abort: AbortFlag;
  piece: number;
  sink: FoundSink | undefined;
}

/**
 * The second look re-examines the offsets the main scan jumped over when the bytes to re-examine
 * are at most this many times the bytes still missing (rolling a byte costs 1-3 ns; fetching it
 * over a 1 Gbit/s link 8 ns): see {@link secondLook}.
 */
export const SECOND_LOOK_RATIO = 4;

/**
 * A local file no larger than this is searched at every offset for the short last block (whose
 * sums cover a shorter window than the rolling one); a larger one only where the main scan
 * looks (after its preceding block, at the start and at the end).
 */
export const TAIL_SEARCH_LIMIT = 4 * 1024 * 1024;

/**
 * After the main scan: looks for the blocks still missing at the offsets the main scan jumped
 * over (the `blockSize − 1` offsets after each match), at every one of them (no jumps), with
 * tables that hold the missing blocks only. Re-examined are the offsets after every match of a
 * block found earlier in the file (a repeat, which the main scan locks onto in repeated content
 * such as archives and disk images: zsync removes found blocks from its hash for the same end),
 * and all skipped offsets when they are at most {@link SECOND_LOOK_RATIO} times the missing bytes.
 * With a `matchRun` of 2 the neighbours of missing blocks are looked for too.
 * @returns the matches found (none when nothing is missing).
 */
async function secondLook(f: LocalFile, index: BlockIndex, lookup: LookupTables, matches: MatchList, chosen: Float64Array): Promise<MatchList> {
  const out = new MatchList();
  const n = index.blockCount;
  const L = index.blockSize;
  const full = lookup.shortLength ? n - 1 : n;
  let missingBytes = 0;
  const include = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    if (chosen[k] >= 0) continue;
    missingBytes += blockLength(index, k);
    for (let d = -(lookup.matchRun - 1); d <= lookup.matchRun - 1; d++) {
      const j = k + d;
      if (j >= 0 && j < full) include[lookup.groupOf[j]] = 1;
    }
  }
  if (missingBytes === 0 || full === 0) return out;
  for (let k = 0; k < full; k++) include[k] = include[lookup.groupOf[k]];
  const last = f.size - L; // the last offset a full window starts at
  // Skipped offsets, as (from, to) pairs in scan order: all of them, and those after repeats.
  const seen = new Uint8Array(n);
  const all: number[] = [];
  const repeats: number[] = [];
  let skipped = 0;
  const tail = lookup.shortLength ? n - 1 : -1;
  for (let i = 0; i < matches.length; i++) {
    const k = matches.block[i];
    if (k === tail) continue;
    const from = matches.pos[i] + 1;
    const to = Math.min(matches.pos[i] + L, last + 1);
    if (to > from) {
      all.push(from, to);
      skipped += to - from;
      if (seen[k]) repeats.push(from, to);
    }
    seen[k] = 1;
  }
  const chosenRanges = skipped <= SECOND_LOOK_RATIO * missingBytes ? all : repeats;
  if (chosenRanges.length === 0) return out;
  // Ranges less than a block apart are joined (the offsets between them are matches of blocks
  // not missing): one read instead of one per block.
  const ranges: number[] = [];
  for (let r = 0; r < chosenRanges.length; r += 2) {
    const m = ranges.length;
    if (m > 0 && chosenRanges[r] <= ranges[m - 1] + L) ranges[m - 1] = Math.max(ranges[m - 1], chosenRanges[r + 1]);
    else ranges.push(chosenRanges[r], chosenRanges[r + 1]);
  }
  const tables = scanTables(buildLookup(index, include), scanKernel());
  await scanRangesEveryOffset(f.fh, f.path, f.size, tables, f.hash, ranges, out, f.counters, newScanState(), f.abort, f.piece, f.sink);
  return out;
}

/**
 * The last block where the main scan does not look for it. A short one (sums over its real
 * length): at the end of the local file (go-sync's one place for it), at its start, and at
 * every offset of a local file of at most {@link TAIL_SEARCH_LIMIT} bytes (the first place
 * found). A zero-padded one (zsync): at the offsets where it would reach past the end of the
 * local file, taken as followed by zeros. At most {@link HASH_LIMIT} windows are hashed per
 * window width of offsets, so the cost stays bounded.
 */
async function findTail(f: LocalFile, t: ScanTables, matches: MatchList): Promise<void> {
  const n = t.blockCount;
  if (n === 0) return;
  const tail = n - 1;
  const L = t.blockSize;
  const S = t.tailLength;
  const want = t.weak[tail];
  const sl = t.strongLength;
  const c = f.counters;
  const has = (at: number) => {
    for (let i = matches.length - 1; i >= 0; i--) if (matches.block[i] === tail && matches.pos[i] === at) return true;
    return false;
  };
  const read = async (from: number, len: number, pad = 0) => {
    const buf = new Uint8Array(len + pad);
    await readExactly(f.fh, buf, len, from, f.path, 'shrank while it was scanned');
    return buf;
  };
  // Windows of width W at offsets from..to of `buf` (file offset base): the first whose weak sum
  // is the tail's and whose digest matches, hashing at most HASH_LIMIT windows per W offsets.
  const search = (buf: Uint8Array, base: number, from: number, to: number, W: number): number => {
    if (from > to) return -1;
    const fails: number[] = [];
    let s = weakParts(buf, from, from + W);
    let a = s & 0xffff;
    let b = s >>> 16;
    for (let i = from; ; i++) {
      if (i % 65536 === 0) checkAbort(f.abort);
      c.comparisons++;
      const w = ((a & 0xffff) | (b << 16)) & t.weakMask;
      if (w === want) {
        c.weakHits++;
        while (fails.length > 0 && fails[0] <= i - W) fails.shift();
        if (fails.length < HASH_LIMIT) {
          fails.push(i);
          c.digests++;
          const d = f.hash.digest(buf.subarray(i, i + W));
          let eq = true;
          for (let x = 0; x < sl && eq; x++) eq = d[x] === t.strong[tail * sl + x];
          if (eq) {
            c.strongHits++;
            return base + i;
          }
        }
      }
      if (i === to) return -1;
      const o = buf[i];
      a = (a - o + buf[i + W]) | 0;
      b = (b - Math.imul(W & 0xffff, o) + a) | 0;
    }
  };
  if (t.paddedTail) {
    if (S === L || f.size < S) return;
    // Offsets q with q + L past the end and q + S within it, the file followed by zeros.
    const from = Math.max(0, f.size - L + 1);
    const buf = await read(from, f.size - from, L);
    const at = search(buf, from, 0, f.size - S - from, L);
    if (at >= 0) matches.push(at, tail);
    return;
  }
  const Sh = t.shortLength;
  if (!Sh || f.size < Sh) return;
  for (const at of [f.size - Sh, 0]) {
    if (has(at)) continue;
    const buf = await read(at, Sh);
    if (isShortBlockAt(t, f.hash, buf, 0, c)) {
      matches.push(at, tail);
      return;
    }
  }
  for (let i = 0; i < matches.length; i++) if (matches.block[i] === tail) return;
  if (f.size > TAIL_SEARCH_LIMIT) return;
  const buf = await read(0, f.size);
  const at = search(buf, 0, 0, f.size - Sh, Sh);
  if (at >= 0) matches.push(at, tail);
}

/** How many blocks (and bytes of the reference) `blockOffsets` finds, and how many bytes remain to fetch. */
export function matchedTotals(index: BlockIndex, blockOffsets: Float64Array): Pick<ScanStats, 'matchedBlocks' | 'matchedBytes' | 'fetchBytes'> {
  let matchedBlocks = 0;
  let matchedBytes = 0;
  for (let k = 0; k < index.blockCount; k++) {
    if (blockOffsets[k] < 0) continue;
    matchedBlocks++;
    matchedBytes += blockLength(index, k);
  }
  return { matchedBlocks, matchedBytes, fetchBytes: index.fileSize - matchedBytes };
}

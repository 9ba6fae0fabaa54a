import { availableParallelism } from 'node:os';
import type { FileHandle } from 'node:fs/promises';
import { loadStrongHash } from '../checksum/registry.js';
import type { StrongHash } from '../checksum/strong-hash.js';
import { checkCount, checkPath } from '../errors/errors.js';
import { openRegularFile, readExactly } from '../util/file-io.js';
import { progressCounter, type ProgressCallback, reportProgress } from '../util/progress.js';
import { type BlockIndex, blockLength, checkIndex } from '../index/block-index.js';
import { buildLookup, type LookupTables } from '../index/lookup.js';
import { WorkerPool } from '../parallel/pool.js';
import { assignBlocks } from './assign.js';
import { MatchList, newCounters, type ScanCounters } from './match-list.js';
import { CHUNKS_PER_THREAD, MIN_CHUNK, scanInParallel, type StitchContext } from './parallel-scan.js';
import { isShortBlockAt, type ScanTables, scanTables } from './scan-buffer.js';
import { SCAN_PIECE, scanFileRange } from './scan-range.js';

/** Options of {@link scanFile}. */
export interface ScanOptions {
  /** Worker threads to scan with; default: every core (`os.availableParallelism()`). */
  threads?: number;
  /** A pool to run on instead of starting (and ending) one; the calling thread scans too. */
  pool?: WorkerPool;
  /**
   * A file smaller than twice this is scanned on the calling thread alone. Default 16 MiB, or
   * 2 MiB when `pool` is given (its workers are already running). Chunks are at least this, or
   * 4 MiB if that is less.
   */
  minChunk?: number;
  /** Bytes a scanner reads at a time. Default 4 MiB. */
  piece?: number;
  /** Told how many bytes of the local file are scanned, a few times a second and at the end. */
  onProgress?: ProgressCallback;
  /** Lookup tables already built for the index. */
  lookup?: LookupTables;
  /** Stops the scan: it throws the signal's reason. */
  signal?: AbortSignal;
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
  /** Every match, in the order the scan found them. Unstable: its type is in `deltasync/internals`. */
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
  options.signal?.throwIfAborted();
  const started = performance.now();
  const fh = await openRegularFile(localPath);
  let ownPool: WorkerPool | undefined;
  const progress = progressCounter();
  let stopReporting: (completed: boolean) => void = () => {};
  try {
    const localSize = (await fh.stat()).size;
    // Booting a worker costs tens of milliseconds: without a warm pool, small files stay on this thread.
    const minChunk = Math.max(options.minChunk ?? (options.pool ? 2 : 16) * 1024 * 1024, index.blockSize);
    const parallel = threads > 1 && index.blockCount > 0 && localSize >= 2 * minChunk;
    // Several chunks per thread, taken by whoever is free: the calling thread starts at once and
    // takes more while workers boot, and a slow thread holds up no more than one chunk.
    const chunkCount = parallel ? Math.min(threads * CHUNKS_PER_THREAD, Math.floor(localSize / Math.min(minChunk, MIN_CHUNK))) : 1;
    const workers = Math.min(threads, chunkCount) - 1;
    // Workers boot while the tables are built.
    const pool = workers > 0 ? (options.pool ?? (ownPool = new WorkerPool(workers)).warm()) : undefined;
    const lookup = options.lookup ?? buildLookup(index);
    const hash = await loadStrongHash(index.strongHash);
    const tables = scanTables(lookup);
    const counters = newCounters();
    const matches = new MatchList();
    const piece = options.piece ?? SCAN_PIECE;
    stopReporting = reportProgress(progress, localSize, options.onProgress);
    if (!pool) {
      await scanFileRange(fh, localPath, localSize, tables, hash, 0, localSize, matches, counters, piece, progress);
    } else {
      const ctx: StitchContext = { fh, localPath, localSize, tables, hash, counters, matches, progress };
      await scanInParallel(ctx, lookup, chunkCount, piece, pool, Math.min(workers, pool.size));
    }
    stopReporting(true);
    await findTailAtEnd(fh, localPath, localSize, tables, hash, matches, counters);
    const blockOffsets = assignBlocks(matches, lookup);
    let matchedBlocks = 0;
    let matchedBytes = 0;
    for (let k = 0; k < index.blockCount; k++) {
      if (blockOffsets[k] < 0) continue;
      matchedBlocks++;
      matchedBytes += blockLength(index, k);
    }
    const stats: ScanStats = {
      ...counters,
      localSize,
      matchedBlocks,
      matchedBytes,
      fetchBytes: index.fileSize - matchedBytes,
      threads: pool ? 1 + Math.min(workers, pool.size) : 1,
      milliseconds: performance.now() - started,
    };
    return { matches, blockOffsets, stats };
  } finally {
    stopReporting(false);
    await fh.close();
    await ownPool?.close();
  }
}

/** Looks for the short last block at the very end of the local file (go-sync's one place for it). */
async function findTailAtEnd(
  fh: FileHandle,
  path: string,
  localSize: number,
  t: ScanTables,
  hash: StrongHash,
  matches: MatchList,
  c: ScanCounters,
): Promise<void> {
  const S = t.shortLength;
  if (!S || localSize < S) return;
  const at = localSize - S;
  const tail = t.blockCount - 1;
  // Found there already by the scan? It would be the last match: no full block fits after it.
  const last = matches.length - 1;
  if (last >= 0 && matches.block[last] === tail && matches.pos[last] === at) return;
  const buf = new Uint8Array(S);
  await readExactly(fh, buf, S, at, path, 'shrank while it was scanned');
  if (isShortBlockAt(t, hash, buf, 0, c)) matches.push(at, tail);
}

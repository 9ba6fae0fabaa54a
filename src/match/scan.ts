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
import type { ScanJob } from '../parallel/worker.js';
import { assignBlocks } from './assign.js';
import { addCounters, type MatchArrays, MatchList, newCounters, type ScanCounters } from './match-list.js';
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
  /** Every match, in the order the scan found them. */
  matches: MatchList;
  /** For each reference block, a local offset holding it, or -1. */
  blockOffsets: Float64Array;
  /** What the scan found and cost. */
  stats: ScanStats;
}

interface ChunkResult {
  from: number;
  to: number;
  matches: MatchList;
  next: number;
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
      await stitch(await scanChunks(ctx, lookup, chunkCount, piece, pool, Math.min(workers, pool.size)), ctx);
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

/** Chunks per scanning thread in a parallel scan. */
const CHUNKS_PER_THREAD = 4;
/** Chunks are at least this long (or `minChunk`, if less). */
const MIN_CHUNK = 4 * 1024 * 1024;

/**
 * Scans `count` chunks of the file, on the calling thread and `workers` workers of `pool`; each
 * takes the next chunk not yet taken when it is free. Results come back in file order.
 */
async function scanChunks(
  ctx: StitchContext,
  lookup: LookupTables,
  count: number,
  piece: number,
  pool: WorkerPool,
  workers: number,
): Promise<ChunkResult[]> {
  const { localPath: path, localSize: fileSize } = ctx;
  // Chunks start on block multiples: where the local file is aligned with the reference (an
  // identical prefix, runs of zeros) a worker's first match then falls in step at once.
  const L = ctx.tables.blockSize;
  const bound = (i: number) => (i === count ? fileSize : Math.floor((fileSize * i) / count / L) * L);
  const results: ChunkResult[] = new Array(count);
  let taken = 0;
  let failed = false;
  const take = () => (failed || taken === count ? -1 : taken++);
  const here = async (from: number, to: number): Promise<ChunkResult> => {
    const matches = new MatchList();
    const next = await scanFileRange(ctx.fh, path, fileSize, ctx.tables, ctx.hash, from, to, matches, ctx.counters, piece, ctx.progress);
    return { from, to, matches, next };
  };
  const onWorker = async (from: number, to: number): Promise<ChunkResult> => {
    const job: ScanJob = { kind: 'scan', path, fileSize, from, to, piece, tables: lookup, progress: ctx.progress };
    const r = await pool.run<MatchArrays & { next: number; counters: ScanCounters }>(job);
    addCounters(ctx.counters, r.counters);
    return { from, to, matches: MatchList.fromArrays(r), next: r.next };
  };
  const scanner = async (scan: (from: number, to: number) => Promise<ChunkResult>) => {
    try {
      for (let i = take(); i >= 0; i = take()) results[i] = await scan(bound(i), bound(i + 1));
    } catch (err) {
      failed = true;
      throw err;
    }
  };
  // The calling thread's scanner starts first, so it takes chunk 0 at once.
  await Promise.all([scanner(here), ...Array.from({ length: workers }, () => scanner(onWorker))]);
  return results;
}

interface StitchContext {
  progress: BigInt64Array;
  fh: FileHandle;
  localPath: string;
  localSize: number;
  tables: ScanTables;
  hash: StrongHash;
  counters: ScanCounters;
  matches: MatchList;
}

/**
 * Joins chunk results into the single-threaded result. A worker started at its chunk's first
 * offset, but the single-threaded scan may arrive there later (a match before the boundary jumped
 * over it). Both agree from the first offset that both examine, because a decision depends only
 * on the bytes at that offset; until then, the main thread re-scans the few offsets in question.
 */
async function stitch(chunks: ChunkResult[], ctx: StitchContext): Promise<void> {
  const { tables, matches } = ctx;
  // Short-block finds are recorded without moving the scan: they never start a jump.
  const tail = tables.shortLength ? tables.blockCount - 1 : -1;
  let next = 0;
  for (const chunk of chunks) {
    if (next >= chunk.to) continue;
    const m = chunk.matches;
    let q = next;
    let j = 0;
    // Re-scans grow, so that data where the two never fall into step (a run of identical blocks
    // not aligned with the chunk start) costs a few reads, not one per block.
    let span = tables.blockSize;
    for (;;) {
      // Drop what the worker found before q, with any short-block find anchored on it.
      while (j < m.length && (m.pos[j] < q || (m.block[j] === tail && j > 0 && m.pos[j - 1] < q))) j++;
      // The last full match the worker made before q: is q inside the block it jumped over?
      let last = j - 1;
      while (last >= 0 && m.block[last] === tail) last--;
      const target = last >= 0 ? m.pos[last] + tables.blockSize : -1;
      if (target <= q) break;
      const to = Math.min(Math.max(target, q + span), chunk.to);
      q = await scanFileRange(ctx.fh, ctx.localPath, ctx.localSize, tables, ctx.hash, q, to, matches, ctx.counters);
      if (q >= chunk.to) break;
      span *= 2;
    }
    if (q >= chunk.to) {
      next = q;
      continue;
    }
    matches.append(m, j);
    next = chunk.next;
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

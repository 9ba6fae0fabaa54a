import type { FileHandle } from 'node:fs/promises';
import type { StrongHash } from '../checksum/strong-hash.js';
import type { LookupTables } from '../index/lookup.js';
import type { WorkerPool } from '../parallel/pool.js';
import { addCounters, MatchList, type ScanCounters } from './match-list.js';
import { scanJob } from './scan-job.js';
import { memorySpan, newScanState, type ScanState, type ScanTables } from './scan-buffer.js';
import { type AbortFlag, checkAbort, scanFileRange } from './scan-range.js';
import type { FoundSink } from './found-sink.js';

interface ChunkResult {
  from: number;
  to: number;
  matches: MatchList;
  next: number;
  /** The windows the chunk's scan hashed without a match, in offset order. */
  hashed: MatchList;
}

/** Chunks per scanning thread in a parallel scan. */
export const CHUNKS_PER_THREAD = 4;
/** Chunks are at least this long (or `minChunk`, if less). */
export const MIN_CHUNK = 4 * 1024 * 1024;

/**
 * The projected time of a scan on the calling thread alone from which starting worker threads
 * pays. Measured on 2 cores, whole processes: a worker costs its boot (tens of ms of CPU) and
 * slows the calling thread while it runs, so 256 MiB with 50 edits (0.38-0.42 s alone, hashing
 * most of the time) took 0.41-0.52 s with a worker started for it; 128 MiB with few matches
 * (about 1 s alone) 0.80-0.88 s; 256 MiB with few matches 1.68 s alone, 1.11 s with a worker.
 */
export const WORKERS_PAY_FROM_MS = 600;

/**
 * The scan's speed is measured over this long, from this long after it starts (its first pieces
 * run cold code, several times slower than the rest: measured from the start, a 256 MiB patch
 * that takes 0.5 s alone was projected at over 1 s and given a worker that made it slower).
 */
const MEASURE_MS = 40;

/** Workers for a parallel scan: the pool, once decided (undefined: none); `settle` ends the wait. */
export interface WorkersDecision {
  readonly pool: Promise<WorkerPool | undefined>;
  readonly settle: () => void;
}

/** A {@link WorkersDecision} already made: `pool`. */
export function workersNow(pool: WorkerPool): WorkersDecision {
  return { pool: Promise.resolve(pool), settle: () => {} };
}

/**
 * Decides, once the calling thread has scanned for 2 × {@link MEASURE_MS}, whether workers pay
 * for a scan of `total` bytes: `pool` resolves to the pool `start` starts if the rest of the
 * scan, at the speed of its last {@link MEASURE_MS}, would take `fromMs` or more alone (0: at
 * once), else to undefined (also when `settle` is called first: the scan ended).
 */
export function workersIfTheyPay(
  progress: BigInt64Array,
  total: number,
  start: () => WorkerPool,
  fromMs = WORKERS_PAY_FROM_MS,
): WorkersDecision {
  if (fromMs === 0) return workersNow(start());
  const t0 = performance.now();
  let settle!: () => void;
  const pool = new Promise<WorkerPool | undefined>((resolve) => {
    let mark: { at: number; done: number } | undefined;
    const decide = (workers: boolean) => {
      clearInterval(timer);
      resolve(workers ? start() : undefined);
    };
    const timer = setInterval(() => {
      const now = performance.now();
      const done = Number(Atomics.load(progress, 0));
      if (done >= total) return decide(false);
      if (now - t0 < MEASURE_MS) return;
      if (!mark) {
        mark = { at: now, done };
        return;
      }
      if (now - mark.at < MEASURE_MS) return;
      // No piece done in the window: a slow scan (or a stalled disk) that workers can only help.
      if (done === mark.done) return decide(true);
      decide(((total - done) * (now - mark.at)) / (done - mark.done) >= fromMs);
    }, MEASURE_MS / 4);
    settle = () => {
      clearInterval(timer);
      resolve(undefined);
    };
  });
  return { pool, settle };
}

/**
 * Scans the file in `count` chunks on the calling thread and `workers` workers of `pool` (each
 * takes the next chunk not yet taken when it is free), then stitches the chunk results into
 * `ctx.matches`: exactly what a single-threaded scan finds. The calling thread starts at once;
 * workers join when `workers` says so ({@link workersIfTheyPay}; {@link workersNow}: at once).
 * @returns the threads that scanned (the calling thread and the workers that took a chunk).
 */
export async function scanInParallel(
  ctx: StitchContext,
  lookup: LookupTables,
  count: number,
  piece: number,
  decision: WorkersDecision,
  workers: number,
): Promise<number> {
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
    const st = newScanState();
    const next = await scanFileRange(ctx.fh, path, fileSize, ctx.tables, ctx.hash, from, to, matches, ctx.counters, piece, ctx.progress, st, ctx.abort, false, ctx.sink);
    return { from, to, matches, next, hashed: st.hashed };
  };
  const ready = decision.pool;
  const onWorker = async (from: number, to: number): Promise<ChunkResult> => {
    const r = await (await ready)!.run(scanJob, { path, fileSize, from, to, piece, tables: lookup, kernel: ctx.tables.kernel, progress: ctx.progress, abort: ctx.abort, sink: ctx.sink });
    addCounters(ctx.counters, r.counters);
    return { from, to, matches: MatchList.fromArrays(r), next: r.next, hashed: MatchList.fromArrays(r.hashed) };
  };
  let firstError: unknown;
  let scanners = 0;
  const scanner = async (scan: (from: number, to: number) => Promise<ChunkResult>) => {
    try {
      // A worker's scanner takes chunks only once there are workers.
      if (scan === onWorker && !(await ready)) return;
      let i = take();
      if (i >= 0) scanners++;
      for (; i >= 0; i = take()) results[i] = await scan(bound(i), bound(i + 1));
    } catch (err) {
      if (!failed) firstError = err;
      failed = true;
      // The others stop at their next piece; none is left running (and writing to ctx.sink,
      // whose file the caller closes when this throws).
      Atomics.store(ctx.abort, 0, 1);
    }
  };
  // The calling thread's scanner starts first, so it takes chunk 0 at once; when it has no more
  // to take, no decision on workers is waited for.
  const calling = scanner(here).finally(() => decision.settle());
  await Promise.all([calling, ...Array.from({ length: workers }, () => scanner(onWorker))]);
  if (failed) throw firstError;
  await stitch(results, ctx);
  return scanners;
}

/** What the parallel scan works on, and where the stitched result goes. */
export interface StitchContext {
  progress: BigInt64Array;
  fh: FileHandle;
  localPath: string;
  localSize: number;
  tables: ScanTables;
  hash: StrongHash;
  counters: ScanCounters;
  matches: MatchList;
  /** The single-threaded scan's state, carried through the stitching. */
  state: ScanState;
  abort: AbortFlag;
  /** Where every scanner writes the blocks it finds, if anywhere. */
  sink: FoundSink | undefined;
}

/** Whether `a` and `b` hashed the same windows at offsets in (q − span, q). */
function sameRecent(a: MatchList, b: MatchList, q: number, span: number): boolean {
  let i = a.length;
  let j = b.length;
  while (i > 0 && a.pos[i - 1] >= q) i--;
  while (j > 0 && b.pos[j - 1] >= q) j--;
  for (;;) {
    const inA = i > 0 && a.pos[i - 1] > q - span;
    const inB = j > 0 && b.pos[j - 1] > q - span;
    if (!inA || !inB) return inA === inB;
    if (a.pos[i - 1] !== b.pos[j - 1] || a.block[i - 1] !== b.block[j - 1]) return false;
    i--;
    j--;
  }
}

/**
 * Joins chunk results into the single-threaded result. A worker started at its chunk's first
 * offset, but the single-threaded scan may arrive there later (a match before the boundary jumped
 * over it), and with other windows hashed in the block before. Both agree from the first offset
 * that both examine and before which both hashed the same windows for a block (a decision
 * depends only on the bytes at an offset and on those windows: see ScanState); until then, the
 * main thread re-scans the offsets in question, carrying the single-threaded state.
 */
async function stitch(chunks: ChunkResult[], ctx: StitchContext): Promise<void> {
  const { tables, matches, state } = ctx;
  const L = tables.blockSize;
  // Short-block finds are recorded without moving the scan: they never start a jump.
  const tail = tables.shortLength ? tables.blockCount - 1 : -1;
  let next = 0;
  for (const chunk of chunks) {
    if (next >= chunk.to) continue;
    checkAbort(ctx.abort);
    const m = chunk.matches;
    let q = next;
    let j = 0;
    // Re-scans grow, so that data where the two never fall into step (a run of identical blocks
    // not aligned with the chunk start) costs a few reads, not one per block.
    let span = L;
    for (;;) {
      // Drop what the worker found before q, with any short-block find anchored on it.
      while (j < m.length && (m.pos[j] < q || (m.block[j] === tail && j > 0 && m.pos[j - 1] < q))) j++;
      // The last full match the worker made before q: is q inside the block it jumped over?
      let last = j - 1;
      while (last >= 0 && m.block[last] === tail) last--;
      const target = last >= 0 ? m.pos[last] + L : -1;
      if (target <= q && sameRecent(state.hashed, chunk.hashed, q, memorySpan(tables))) break;
      const to = Math.min(Math.max(target, q + span), chunk.to);
      q = await scanFileRange(ctx.fh, ctx.localPath, ctx.localSize, tables, ctx.hash, q, to, matches, ctx.counters, undefined, undefined, state, ctx.abort, false, ctx.sink);
      if (q >= chunk.to) break;
      span *= 2;
    }
    if (q >= chunk.to) {
      next = q;
      continue;
    }
    matches.append(m, j);
    const h = chunk.hashed;
    for (let i = 0; i < h.length; i++) if (h.pos[i] >= q) state.hashed.push(h.pos[i], h.block[i]);
    next = chunk.next;
  }
}

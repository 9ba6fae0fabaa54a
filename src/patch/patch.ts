import { type FileHandle, realpath, stat, unlink } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { loadStrongHash } from '../checksum/registry.js';
import type { StrongHash } from '../checksum/strong-hash.js';
import { ArgumentError, checkPath, fsError, VerificationError } from '../errors/errors.js';
import { type BlockIndex, blockLength, checkIndex, matchRunOf } from '../index/block-index.js';
import type { ScanOptions, ScanStats } from '../match/scan.js';
import { scanSeeds } from '../match/seeds.js';
import { type FoundSink, foundSink, unwrittenRuns } from '../match/found-sink.js';
import type { WorkerPool } from '../parallel/pool.js';
import { makePlan, type Plan, type PlanOptions } from '../plan/plan.js';
import type { BlockSource, SourceExpectations } from '../source/block-source.js';
import { AtomicFile } from '../util/atomic-file.js';
import { equalBytes } from '../util/bytes.js';
import { forEachPiece, openRegularFile, readExactly } from '../util/file-io.js';
import { type ProgressCallback, throttledProgress } from '../util/progress.js';
import { copyCheck } from './copy-check.js';
import { identityAt, identityOfOpen } from './file-identity.js';
import { VerifiedFetcher } from './fetch-verified.js';
import { verifyBlocks } from './verify.js';

/** Options of {@link patchFile}. */
export interface PatchOptions {
  /**
   * The local (old or similar) file whose blocks are reused, or several ("seeds", as zsync's
   * `-i` takes them): blocks are reused from whichever holds them. May be the same path as `output`.
   */
  local: string | readonly string[];
  /** The index of the reference. */
  index: BlockIndex;
  /**
   * Where missing blocks come from; several are mirrors of one reference, used in turn when one
   * fails or yields a block that does not verify. The patcher does not close them.
   */
  source: BlockSource | readonly BlockSource[];
  /** Where to write the reference. Written beside, then renamed into place when verified. */
  output: string;
  /** A plan already made for `local`; without one the local files are scanned first. */
  plan?: Plan;
  /** Options of the scan, when there is no plan. */
  scan?: ScanOptions;
  /** Options of the plan, when there is no plan. */
  planOptions?: PlanOptions;
  /**
   * How many more times a fetched range that fails verification is asked for (of the next
   * source, in turn) before the patch fails. Default 1.
   */
  refetch?: number;
  /** Worker threads to use (the scan's, and the copy check's); by default the patch starts its own. */
  pool?: WorkerPool;
  /** Stops the patch: it throws the signal's reason, writes nothing, and leaves every file as it was. */
  signal?: AbortSignal;
  /**
   * Where to keep what was written when the patch fails or is stopped (as zsync keeps a `.part`
   * file): give it as a seed to the next run and the blocks are not fetched again. A longer one
   * already there (from a run that got further) is kept instead. Removed when a patch with it succeeds.
   */
  partial?: string;
  /** Told how many bytes of the output are written, a few times a second and at the end. */
  onProgress?: ProgressCallback;
  /**
   * Whether the output is synced to the disk before it is renamed into place (default true). With
   * false, a crash of the system soon after the patch may leave the output empty or partly
   * written, as rsync (without `--fsync`) and zsync leave theirs; the patch is faster where the
   * disk is slow to sync.
   */
  fsync?: boolean;
}

/** What a patch did. */
export interface PatchStats {
  /** Size of the reference written. */
  fileSize: number;
  /** Bytes copied from the local files. */
  reusedBytes: number;
  /** Of those, bytes the scan wrote into the output as it found them (the rest were copied after it). */
  writtenByScan: number;
  /** Bytes taken from the sources (ranges fetched again after a failed check included). */
  fetchedBytes: number;
  /** Number of ranges asked of the sources (before any refetch). */
  fetchRanges: number;
  /** Runs of missing bytes those ranges cover (a long run is asked for in several ranges). */
  fetchRegions: number;
  /** Ranges fetched again because they failed verification or their source failed. */
  refetchedRanges: number;
  /** The name of the source the transfer started from: the first that could be prepared. */
  source: string;
  /** The scan's statistics, when the patch scanned. */
  scan?: ScanStats;
  /** Wall-clock time, scan included. */
  milliseconds: number;
  /**
   * Wall-clock time per phase: the scan; waiting for the source to be prepared once the scan is
   * done (it is prepared while the scan runs); copying and fetching (with their checks); the final
   * sync and rename. They add up to `milliseconds`.
   */
  phases: { scan: number; prepare: number; transfer: number; commit: number };
}

/** Bytes of copies read (and checked) at a time: 4 MiB in whole blocks, at least one block. */
function copyPiece(blockSize: number): number {
  return Math.max(1, Math.floor((4 * 1024 * 1024) / blockSize)) * blockSize;
}

/**
 * Checks the blocks copied from the seeds in `only` (default: every seed) where they are now, in
 * the written output, naming the seed and its block at the first that differs.
 */
async function checkCopiesInOutput(
  written: FileHandle,
  index: BlockIndex,
  plan: Plan,
  hash: StrongHash,
  seeds: readonly string[],
  output: string,
  only?: ReadonlySet<number>,
): Promise<void> {
  const piece = copyPiece(index.blockSize);
  for (const span of plan.spans) {
    if (span.kind !== 'copy' || (only && !only.has(span.seed))) continue; // fetched blocks were checked one by one
    await forEachPiece(written, output, span.offset, span.offset + span.length, piece, 'was cut short while it was written', (data, offset) =>
      verifyBlocks(data, offset / index.blockSize, index, hash, seeds[span.seed], 'changed since it was scanned', span.localOffset + offset - span.offset),
    );
  }
}

/** The seeds (by number) that are no longer the files that were scanned. */
async function changedSeeds(seeds: readonly string[], open: readonly (FileHandle | undefined)[], scannedAs: readonly string[]): Promise<Set<number>> {
  const changed = new Set<number>();
  for (let i = 0; i < seeds.length; i++) {
    const now = open[i] ? await identityOfOpen(open[i]!, seeds[i]) : await identityAt(seeds[i]).catch(() => 'gone');
    if (now !== scannedAs[i]) changed.add(i);
  }
  return changed;
}

/**
 * The error for a result whose whole-file digest differs. Fetched blocks were checked one by one,
 * copied ones only by that digest: checking the written output block by block tells a local
 * file that changed since its scan (named, with the block) from an index at odds with itself.
 */
async function explainFileHashMismatch(
  written: FileHandle,
  index: BlockIndex,
  plan: Plan,
  hash: StrongHash,
  seeds: readonly string[],
  output: string,
): Promise<Error> {
  try {
    await checkCopiesInOutput(written, index, plan, hash, seeds, output);
  } catch (err) {
    return err as Error;
  }
  return new VerificationError(
    `${output}: the ${index.fileHash!.algorithm} of the result does not match the index, though every block matches its ` +
      `${index.strongLength}-byte digest (the index is corrupt, or a changed block collided with a short digest); nothing was written`,
  );
}

/**
 * Produces the reference at `output` from the blocks of `local` and the missing ranges of
 * `source`. Every fetched block is checked against its strong digest before it is written; every
 * copied block too, unless the index carries a whole-file digest, which is then checked over the
 * whole output. The output goes to a temporary file beside the target, synced, and renamed into
 * place only when everything matched: on any failure the target (even when it is `local`) is
 * left as it was and the temporary file removed.
 *
 * @example
 * ```ts
 * const index = await readIndexFile('app-2.0.bin.gosync');
 * const source = fileSource('/mnt/release/app-2.0.bin');
 * try {
 *   const stats = await patchFile({ local: 'app-1.0.bin', index, source, output: 'app-2.0.bin' });
 * } finally {
 *   await source.close();
 * }
 * ```
 */
export async function patchFile(options: PatchOptions): Promise<PatchStats> {
  const { index, output } = options;
  const seeds = typeof options.local === 'string' ? [options.local] : options.local;
  if (!Array.isArray(seeds) || seeds.length === 0) throw new ArgumentError('local must be a path or a list of paths');
  seeds.forEach((s, i) => checkPath(i === 0 ? 'local' : `local[${i}]`, s));
  checkPath('output', output);
  checkIndex(index);
  if (options.partial !== undefined) {
    checkPath('partial', options.partial);
    // Kept on failure by renaming over it, removed on success: it must not be the output.
    const entry = await entryOf(options.partial);
    if (entry === (await entryOf(output)) || entry === (await realpath(output).catch(() => undefined))) {
      throw new ArgumentError(`partial ${options.partial} is the output ${output} itself: it must be a path of its own (such as ${output}.part)`);
    }
  }
  const sources = Array.isArray(options.source) ? (options.source as readonly BlockSource[]) : [options.source as BlockSource];
  if (sources.length === 0 || sources.some((s) => typeof s?.fetch !== 'function' || typeof s.prepare !== 'function')) {
    throw new ArgumentError('patch needs a block source (with prepare, fetch and close)');
  }
  const refetch = options.refetch ?? 1;
  if (!Number.isSafeInteger(refetch) || refetch < 0) throw new ArgumentError(`refetch must be a whole number ≥ 0, not ${refetch}`);
  const { signal } = options;
  const started = performance.now();
  // The sources are prepared while the scan runs (a round trip or two saved on a slow link); one
  // that cannot be read stops the scan at once, with its own error.
  const stopScan = new AbortController();
  const preparing = firstWorkingSource(sources, { size: index.fileSize, signal }).catch((err: unknown) => {
    stopScan.abort(err);
    throw err;
  });
  preparing.catch(() => {}); // awaited below, after the scan; a failure meanwhile is not unhandled
  const scanSignal = signal ? AbortSignal.any([signal, stopScan.signal]) : stopScan.signal;
  let scanStats: ScanStats | undefined;
  let plan = options.plan;
  // When this patch scans, the scan has checked every block it found against the index: the
  // copies need no second check if the seeds are still the files that were scanned.
  const scannedAs = plan ? undefined : await Promise.all(seeds.map(identityAt));
  const hash = await loadStrongHash(index.strongHash);
  const fileHasher = index.fileHash ? await (await loadStrongHash(index.fileHash.algorithm)).create() : undefined;
  // A new output takes the local file's permission bits (an existing one keeps its own).
  const localMode = await stat(seeds[0]).then((st) => st.mode & 0o777, () => undefined);
  const out = await AtomicFile.create(output, localMode, options.partial, options.fsync ?? true);
  // A scan made here writes the blocks it finds into the output as it finds them (as zsync does).
  const sink = plan ? undefined : foundSink(out.handle.fd, index.fileSize, index.blockSize, index.blockCount, matchRunOf(index));
  if (!plan) {
    const scanned = await scanWritingFound(seeds, index, { ...options, signal: scanSignal }, sink!, out).catch(async (err: unknown) => {
      await out.abort();
      throw err;
    });
    plan = scanned;
    scanStats = scanned.scan;
  }
  const scanEnd = performance.now();
  const ordered = await preparing.catch(async (err: unknown) => {
    await out.abort();
    throw err;
  });
  const prepared = performance.now();
  if (plan.fileSize !== index.fileSize || plan.blockSize !== index.blockSize) {
    await out.abort();
    throw new ArgumentError('the plan was made for another index');
  }
  if (plan.spans.some((s) => s.kind === 'copy' && !(s.seed >= 0 && s.seed < seeds.length))) {
    await out.abort();
    throw new ArgumentError(`the plan copies from a seed that is not among the ${seeds.length} given`);
  }
  const fetches = plan.spans.filter((s) => s.kind === 'fetch');
  const writtenByScan = sink ? bytesWritten(index, sink) : 0;
  const seedFiles: (FileHandle | undefined)[] = [];
  const fetcher = new VerifiedFetcher(ordered, fetches, index, hash, refetch, signal);
  // With a whole-file digest to check at the end, or copies from files this patch scanned and
  // that have not changed since, copies need no check of their own.
  const threads = options.scan?.threads ?? availableParallelism();
  const copies = fileHasher || scannedAs ? undefined : copyCheck(index, hash, plan.reusedBytes, threads, options.pool ?? options.scan?.pool);
  const progress = throttledProgress(options.onProgress);
  let done = writtenByScan;
  // Written in order, the output is hashed as it is written; with blocks the scan wrote, at the end.
  const hashAsWritten = writtenByScan === 0 ? fileHasher : undefined;
  try {
    // The requests go out now, while copies before the first fetched span are made.
    fetcher.start();
    const write = async (data: Uint8Array, offset: number) => {
      hashAsWritten?.update(data);
      let w = 0;
      try {
        while (w < data.length) w += (await out.handle.write(data, w, data.length - w, offset + w)).bytesWritten;
      } catch (err) {
        throw fsError(err, output, 'write');
      }
      out.noteWritten(data.length);
      done += data.length;
      progress(done, index.fileSize);
    };
    const piece = copyPiece(index.blockSize);
    const buf = plan.reusedBytes > 0 && !copies?.takesBuffers ? new Uint8Array(Math.min(piece, plan.reusedBytes)) : undefined;
    for (const span of plan.spans) {
      signal?.throwIfAborted();
      if (span.kind === 'fetch') {
        await write(await fetcher.next(), span.offset);
        continue;
      }
      const seed = seeds[span.seed];
      for (const [from, to] of unwritten(span.offset, span.offset + span.length, index, sink?.written)) {
        const fh = (seedFiles[span.seed] ??= await openRegularFile(seed));
        const local = span.localOffset + from - span.offset;
        for (let o = 0; o < to - from; o += piece) {
          const n = Math.min(piece, to - from - o);
          const data = copies?.takesBuffers ? new Uint8Array(n) : buf!.subarray(0, n);
          await readExactly(fh, data, n, local + o, seed, 'shrank since it was scanned', (m) => new VerificationError(m));
          // Written before the check ends: the output is a temporary file until everything passed.
          await write(data, from + o);
          await copies?.check(data, (from + o) / index.blockSize, local + o, seed);
        }
      }
    }
    await fetcher.close();
    await copies?.drain();
    if (scannedAs && !fileHasher) {
      const changed = await changedSeeds(seeds, seedFiles, scannedAs);
      // A seed written to since the scan: the copies from it are checked where they now are, in the output.
      if (changed.size > 0) await checkCopiesInOutput(out.handle, index, plan, hash, seeds, output, changed);
    }
    if (fileHasher) {
      if (!hashAsWritten) {
        await forEachPiece(out.handle, output, 0, index.fileSize, copyPiece(index.blockSize), 'was cut short while it was written', (d) => fileHasher.update(d));
      }
      const digest = fileHasher.digest();
      if (!equalBytes(digest, 0, index.fileHash!.digest, 0, digest.length)) {
        throw await explainFileHashMismatch(out.handle, index, plan, hash, seeds, output);
      }
    }
  } catch (err) {
    await fetcher.close(); // lets the source release what it holds
    await out.abort();
    throw err;
  } finally {
    await copies?.close(); // first: workers left running would keep the process alive
    for (const fh of seedFiles) await fh?.close();
  }
  const transferred = performance.now();
  await out.commit();
  if (options.partial !== undefined) await unlink(options.partial).catch(() => {});
  const committed = performance.now();
  progress.end(index.fileSize);
  return {
    fileSize: index.fileSize,
    reusedBytes: plan.reusedBytes,
    writtenByScan,
    fetchedBytes: fetcher.fetchedBytes,
    fetchRanges: fetches.length,
    fetchRegions: plan.fetchRegions,
    refetchedRanges: fetcher.refetchedRanges,
    source: ordered[0].name,
    scan: scanStats,
    milliseconds: committed - started,
    phases: { scan: scanEnd - started, prepare: prepared - scanEnd, transfer: transferred - prepared, commit: committed - transferred },
  };
}

/**
 * Scans the seeds as {@link patchFile} does, the scan writing the blocks it finds into `sink`;
 * the output gets early syncs from here while the scan writes, as the patcher's own writes do.
 */
async function scanWritingFound(seeds: readonly string[], index: BlockIndex, options: PatchOptions, sink: FoundSink, out: AtomicFile): Promise<Plan & { scan: ScanStats }> {
  let noted = 0;
  const note = () => {
    const blocks = Atomics.load(sink.count, 0);
    out.noteWritten((blocks - noted) * index.blockSize);
    noted = blocks;
  };
  const timer = setInterval(note, 20);
  try {
    const scanned = await scanSeeds(seeds, index, { ...options.scan, pool: options.pool ?? options.scan?.pool, signal: options.signal, sink });
    return { ...makePlan(index, scanned, options.planOptions), scan: scanned.stats };
  } finally {
    clearInterval(timer);
    note();
  }
}

/** Bytes of the reference the scan wrote into `sink`. */
function bytesWritten(index: BlockIndex, sink: FoundSink): number {
  const n = index.blockCount;
  const blocks = Atomics.load(sink.count, 0);
  return blocks === 0 ? 0 : blocks * index.blockSize - (sink.written[n - 1] ? index.blockSize - blockLength(index, n - 1) : 0);
}

/** The parts of reference bytes [from, to) (whole blocks) in blocks not marked in `written`, as [start, end) pairs. */
function unwritten(from: number, to: number, index: BlockIndex, written: Uint8Array | undefined): [number, number][] {
  if (!written) return [[from, to]];
  const L = index.blockSize;
  return unwrittenRuns(written, Math.floor(from / L), Math.ceil(to / L)).map(([k, m]) => [Math.max(from, k * L), Math.min(to, m * L)]);
}

/** The folder entry `path` names, its folder's links resolved: two spellings of one entry give the same string. */
async function entryOf(path: string): Promise<string> {
  const dir = dirname(resolve(path));
  return join(await realpath(dir).catch(() => dir), basename(resolve(path)));
}

/**
 * Prepares the sources in turn until one is ready (mirrors are tried when the first fails) and
 * returns them with that one first; throws the first one's error when none is.
 */
async function firstWorkingSource(sources: readonly BlockSource[], expect: SourceExpectations): Promise<BlockSource[]> {
  let firstError: unknown;
  for (let i = 0; i < sources.length; i++) {
    try {
      await sources[i].prepare(expect);
      return [...sources.slice(i), ...sources.slice(0, i)];
    } catch (err) {
      if (expect.signal?.aborted) throw err;
      firstError ??= err;
    }
  }
  throw firstError;
}

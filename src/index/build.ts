import { availableParallelism } from 'node:os';
import { loadStrongHash, strongHashEntry } from '../checksum/registry.js';
import type { Hasher } from '../checksum/strong-hash.js';
import { ArgumentError, checkPath, checkCount } from '../errors/errors.js';
import { forEachPiece, openRegularFile } from '../util/file-io.js';
import { progressCounter, type ProgressCallback, reportProgress } from '../util/progress.js';
import { sharedArray } from '../util/shared-memory.js';
import { WorkerPool } from '../parallel/pool.js';
import { type BlockIndex, blockCountOf, checkBlockSize, DEFAULT_BLOCK_SIZE, strongLengthProblem } from './block-index.js';
import { type BlockSumsLayout, SUM_PIECE, sumFileBlocks } from './build-sums.js';
import { simdSumsModule } from '../checksum/simd-sums.js';
import { sumsJob } from './sums-job.js';

/** Options of {@link buildIndex}. */
export interface BuildOptions {
  /** Block length in bytes, 64 B to 16 MiB. Default 8192 (go-sync's). */
  blockSize?: number;
  /** Per-block strong hash. Default `md5` (go-sync's). */
  strongHash?: string;
  /** Bytes of each block digest to keep (the leftmost), to shrink the index. Default: all. */
  strongLength?: number;
  /** Also store a digest of the whole file with this hash (deltasync format only). */
  fileHash?: string;
  /** Sum a short last block zero-padded to the block size, as zsync does. Default false (go-sync). */
  paddedTail?: boolean;
  /** Threads to hash with; default every core. Small files are done on the calling thread. */
  threads?: number;
  /** A pool to run on instead of starting one. */
  pool?: WorkerPool;
  /** Told how many bytes are done, a few times a second and at the end. */
  onProgress?: ProgressCallback;
}

/**
 * Files smaller than this are summed on the calling thread: booting workers would cost more
 * (measured whole processes on 2 cores: 20 MiB took 0.30–0.36 s on 1 thread and 0.38–0.44 s on 2;
 * 40 MiB 0.39–0.40 s and 0.40–0.49 s; 256 MiB 1.20–1.30 s and 0.86 s). With a pool already
 * running, from {@link PARALLEL_FROM_POOLED}.
 */
const PARALLEL_FROM = 64 * 1024 * 1024;
/** Where a pool the caller lends (its workers already booted) starts to pay. */
const PARALLEL_FROM_POOLED = 16 * 1024 * 1024;

/**
 * Builds the index of a file: streams it once, computing one weak and one strong sum per block
 * (in parallel over worker threads when the file is large), and the whole-file digest if asked.
 *
 * @example
 * ```ts
 * const index = await buildIndex('release.tar', { blockSize: 8192 });   // go-sync compatible
 * await writeIndexFile(index, 'release.tar.gosync');
 * const v1 = await buildIndex('release.tar', { strongHash: 'blake3', fileHash: 'sha256' });
 * ```
 */
export async function buildIndex(path: string, options: BuildOptions = {}): Promise<BlockIndex> {
  checkPath('path', path);
  const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
  checkBlockSize(blockSize);
  const strongHash = (options.strongHash ?? 'md5').toLowerCase();
  const entry = strongHashEntry(strongHash);
  const strongLength = options.strongLength ?? entry.size;
  const problem = strongLengthProblem(strongLength, entry, options.fileHash !== undefined);
  if (problem) throw new ArgumentError(problem);
  const fileHasher: Hasher | undefined = options.fileHash
    ? await (await loadStrongHash(options.fileHash)).create()
    : undefined;
  const threads = options.threads ?? availableParallelism();
  checkCount('threads', threads);

  const fh = await openRegularFile(path);
  const progress = progressCounter();
  let stopReporting: (completed: boolean) => void = () => {};
  try {
    const fileSize = (await fh.stat()).size;
    stopReporting = reportProgress(progress, fileSize, options.onProgress);
    const blockCount = blockCountOf(fileSize, blockSize);
    const weak = sharedArray(Int32Array, blockCount);
    const strong = sharedArray(Uint8Array, blockCount * strongLength);
    const hash = await loadStrongHash(strongHash);
    const paddedTail = options.paddedTail === true;
    const layout: BlockSumsLayout = { blockSize, hash: strongHash, strongLength, paddedTail, weak, strong };
    const parallel = threads > 1 && fileSize >= (options.pool ? PARALLEL_FROM_POOLED : PARALLEL_FROM);
    if (!parallel) {
      await sumFileBlocks(fh, path, fileSize, 0, blockCount, layout, hash, (d) => fileHasher?.update(d), progress);
    } else {
      // Workers read and sum ranges of blocks themselves. This thread takes a range too, unless
      // it must hash the whole file, which it then reads from start to end alongside them.
      const workers = fileHasher ? threads : threads - 1;
      const ranges = fileHasher ? workers : workers + 1;
      const pool = options.pool ?? new WorkerPool(workers).warm(sumsJob);
      const bound = (i: number) => Math.floor((blockCount * i) / ranges);
      try {
        const jobs = Array.from({ length: workers }, (_, w) => {
          const i = ranges - workers + w;
          return pool.run(sumsJob, { path, fileSize, from: bound(i), to: bound(i + 1), layout, progress, simd: simdSumsModule() });
        });
        jobs.forEach((j) => j.catch(() => {})); // observed below; keeps an early failure from going unhandled
        if (fileHasher) await forEachPiece(fh, path, 0, fileSize, SUM_PIECE, 'shrank while it was read', (d) => fileHasher.update(d));
        else await sumFileBlocks(fh, path, fileSize, 0, bound(1), layout, hash, undefined, progress);
        await Promise.all(jobs);
      } finally {
        if (pool !== options.pool) await pool.close();
      }
    }
    stopReporting(true);
    return {
      fileSize,
      blockSize,
      blockCount,
      strongHash,
      strongLength,
      // Copies out of shared memory, trimmed to size.
      weak: weak.slice(0, blockCount),
      strong: strong.slice(0, blockCount * strongLength),
      fileHash: fileHasher && { algorithm: options.fileHash!.toLowerCase(), digest: fileHasher.digest() },
      ...(paddedTail ? { paddedTail } : {}),
    };
  } finally {
    stopReporting(false);
    await fh.close();
  }
}

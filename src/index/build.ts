import { availableParallelism } from 'node:os';
import { loadStrongHash, strongHashEntry } from '../checksum/registry.js';
import type { Hasher } from '../checksum/strong-hash.js';
import { ArgumentError, checkPath, checkCount } from '../errors/errors.js';
import { forEachPiece, openRegularFile } from '../util/file-io.js';
import { progressCounter, type ProgressCallback, reportProgress } from '../util/progress.js';
import { sharedArray } from '../util/shared-memory.js';
import { WorkerPool } from '../parallel/pool.js';
import type { SumsJob } from '../parallel/worker.js';
import { type BlockIndex, blockCountOf, checkBlockSize, DEFAULT_BLOCK_SIZE, MIN_UNGUARDED_STRONG } from './block-index.js';
import { SUM_PIECE, sumFileBlocks } from './build-sums.js';

/** Options of {@link buildIndex}. */
export interface BuildOptions {
  /** Block length in bytes, 512 B to 16 MiB. Default 8192 (go-sync's). */
  blockSize?: number;
  /** Per-block strong hash. Default `md5` (go-sync's). */
  strongHash?: string;
  /** Bytes of each block digest to keep (the leftmost), to shrink the index. Default: all. */
  strongLength?: number;
  /** Also store a digest of the whole file with this hash (deltasync format only). */
  fileHash?: string;
  /** Threads to hash with; default every core. Small files are done on the calling thread. */
  threads?: number;
  /** A pool to run on instead of starting one. */
  pool?: WorkerPool;
  /** Told how many bytes are done, a few times a second and at the end. */
  onProgress?: ProgressCallback;
}

/** Files smaller than this are summed on the calling thread: booting workers would cost more. */
const PARALLEL_FROM = 16 * 1024 * 1024;

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
  if (!Number.isInteger(strongLength) || strongLength < 1 || strongLength > entry.size) {
    throw new ArgumentError(`strong length ${strongLength} is out of range for ${strongHash} (1 to ${entry.size} bytes)`);
  }
  if (strongLength < MIN_UNGUARDED_STRONG && !options.fileHash) {
    throw new ArgumentError(
      `block digests of ${strongLength} bytes need a whole-file hash to guard them (or at least ${MIN_UNGUARDED_STRONG} bytes)`,
    );
  }
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
    const parallel = threads > 1 && fileSize >= PARALLEL_FROM;
    if (!parallel) {
      await sumFileBlocks(fh, path, fileSize, 0, blockCount, blockSize, hash, strongLength, weak, strong, (d) => fileHasher?.update(d), progress);
    } else {
      // Workers read and sum ranges of blocks themselves. This thread takes a range too, unless
      // it must hash the whole file, which it then reads from start to end alongside them.
      const workers = fileHasher ? threads : threads - 1;
      const ranges = fileHasher ? workers : workers + 1;
      const pool = options.pool ?? new WorkerPool(workers).warm();
      const bound = (i: number) => Math.floor((blockCount * i) / ranges);
      try {
        const jobs = Array.from({ length: workers }, (_, w) => {
          const i = ranges - workers + w;
          const job: SumsJob = { kind: 'sums', path, fileSize, from: bound(i), to: bound(i + 1), blockSize, hash: strongHash, strongLength, weak, strong, progress };
          return pool.run(job);
        });
        jobs.forEach((j) => j.catch(() => {})); // observed below; keeps an early failure from going unhandled
        if (fileHasher) await forEachPiece(fh, path, 0, fileSize, SUM_PIECE, 'shrank while it was read', (d) => fileHasher.update(d));
        else await sumFileBlocks(fh, path, fileSize, 0, bound(1), blockSize, hash, strongLength, weak, strong, undefined, progress);
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
    };
  } finally {
    stopReporting(false);
    await fh.close();
  }
}

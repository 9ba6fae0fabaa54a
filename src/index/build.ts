import { availableParallelism } from 'node:os';
import { loadStrongHash, strongHashEntry } from '../checksum/registry.js';
import type { Hasher } from '../checksum/strong-hash.js';
import { ArgumentError, DeltasyncError } from '../errors/errors.js';
import { openRegularFile, readAt } from '../util/file-io.js';
import { sharedArray } from '../util/shared-memory.js';
import { WorkerPool } from '../parallel/pool.js';
import type { SumsJob } from '../parallel/worker.js';
import { type BlockIndex, blockCountOf, checkBlockSize, DEFAULT_BLOCK_SIZE, MIN_UNGUARDED_STRONG } from './block-index.js';
import { sumBlocks } from './build-sums.js';

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
}

const READ_CHUNK = 4 * 1024 * 1024;

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
  if (!Number.isInteger(threads) || threads < 1) throw new ArgumentError(`threads must be a whole number ≥ 1, not ${threads}`);

  const fh = await openRegularFile(path);
  try {
    const fileSize = (await fh.stat()).size;
    const blockCount = blockCountOf(fileSize, blockSize);
    const weak = sharedArray(Int32Array, blockCount);
    const strong = sharedArray(Uint8Array, blockCount * strongLength);
    const chunk = Math.max(1, Math.floor(READ_CHUNK / blockSize)) * blockSize;
    const parallel = threads > 1 && fileSize >= 4 * chunk;
    const pool = parallel ? (options.pool ?? new WorkerPool(threads)) : undefined;
    const hash = await loadStrongHash(strongHash);
    const inFlight: Promise<unknown>[] = [];
    try {
      for (let off = 0; off < fileSize; off += chunk) {
        const data = new Uint8Array(Math.min(chunk, fileSize - off));
        const got = await readAt(fh, data, data.length, off, path);
        if (got !== data.length) throw new DeltasyncError(`${path}: shrank while it was read (ended at ${off + got})`, 'ESHORT');
        fileHasher?.update(data);
        const firstBlock = off / blockSize;
        if (!pool) {
          sumBlocks(data, firstBlock, blockSize, hash, strongLength, weak, strong);
          continue;
        }
        const job: SumsJob = { kind: 'sums', data, firstBlock, blockSize, hash: strongHash, strongLength, weak, strong };
        const done = pool.run(job, [data.buffer]);
        done.catch(() => {}); // observed below; this only keeps a later failure from going unhandled
        inFlight.push(done);
        // Bound memory: at most two chunks per worker read ahead.
        if (inFlight.length >= 2 * pool.size) await inFlight.shift();
      }
      await Promise.all(inFlight);
    } finally {
      if (pool && pool !== options.pool) await pool.close();
    }
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
    await fh.close();
  }
}

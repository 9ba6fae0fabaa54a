import type { StrongHash } from '../checksum/strong-hash.js';
import type { BlockIndex } from '../index/block-index.js';
import { WorkerPool } from '../parallel/pool.js';
import { sharedCopy } from '../util/shared-memory.js';
import { verifyJob } from './verify-job.js';
import { verifyBlocks, verifyLayout } from './verify.js';

/** Below this many copied bytes, checking them on the calling thread is quicker than starting workers. */
const POOL_FROM = 32 * 1024 * 1024;
const PROBLEM = 'changed since it was scanned';

/**
 * Checks blocks copied from the local file against the index. Large copies are checked by
 * worker threads while the calling thread goes on reading and writing; {@link CopyCheck.drain}
 * waits for every check and throws the first failure. Pieces given to `check` are handed over.
 */
export interface CopyCheck {
  /** Whether `check` takes ownership of `data` (so the caller must not reuse the buffer). */
  readonly takesBuffers: boolean;
  /** Checks `data`, read from `fileOffset` of the local file `name`, as blocks from `firstBlock` on. */
  check(data: Uint8Array, firstBlock: number, fileOffset: number, name: string): Promise<void>;
  drain(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A {@link CopyCheck} for `copyBytes` bytes of copies: on `pool` when given (the caller's, which it
 * keeps), else on a pool of `threads` workers of its own when the copies are large.
 */
export function copyCheck(index: BlockIndex, hash: StrongHash, copyBytes: number, threads: number, pool?: WorkerPool): CopyCheck {
  if (!pool && (threads < 2 || copyBytes < POOL_FROM)) {
    return {
      takesBuffers: false,
      check: async (data, firstBlock, fileOffset, name) => verifyBlocks(data, firstBlock, index, hash, name, PROBLEM, fileOffset),
      drain: async () => {},
      close: async () => {},
    };
  }
  const workers = pool ?? new WorkerPool(threads).warm(verifyJob);
  const layout = verifyLayout(index, sharedCopy(index.weak), sharedCopy(index.strong));
  const inFlight: Promise<unknown>[] = [];
  return {
    takesBuffers: true,
    async check(data, firstBlock, fileOffset, name) {
      const done = workers.run(verifyJob, { data, firstBlock, fileOffset, layout, hash: hash.name, name, problem: PROBLEM }, [data.buffer as ArrayBuffer]);
      done.catch(() => {}); // observed in drain; keeps an early failure from going unhandled
      inFlight.push(done);
      // Bounded memory: at most two pieces per worker wait.
      if (inFlight.length > 2 * workers.size) await inFlight.shift();
    },
    async drain() {
      await Promise.all(inFlight.splice(0));
    },
    close: async () => {
      if (workers !== pool) await workers.close();
    },
  };
}

import type { StrongHash } from '../checksum/strong-hash.js';
import type { BlockIndex } from '../index/block-index.js';
import { WorkerPool } from '../parallel/pool.js';
import type { VerifyJob } from '../parallel/worker.js';
import { sharedCopy } from '../util/shared-memory.js';
import { verifyBlocks } from './verify.js';

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
  /** Checks `data`, read from `fileOffset` of the local file, as blocks from `firstBlock` on. */
  check(data: Uint8Array, firstBlock: number, fileOffset: number): Promise<void>;
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** A {@link CopyCheck} for `copyBytes` bytes of copies from `local`. */
export function copyCheck(index: BlockIndex, hash: StrongHash, local: string, copyBytes: number, threads: number): CopyCheck {
  if (threads < 2 || copyBytes < POOL_FROM) {
    return {
      takesBuffers: false,
      check: async (data, firstBlock, fileOffset) => verifyBlocks(data, firstBlock, index, hash, local, PROBLEM, fileOffset),
      drain: async () => {},
      close: async () => {},
    };
  }
  const pool = new WorkerPool(threads).warm();
  const weak = sharedCopy(index.weak);
  const strong = sharedCopy(index.strong);
  const inFlight: Promise<unknown>[] = [];
  const base = { kind: 'verify', blockSize: index.blockSize, hash: index.strongHash, strongLength: index.strongLength, weak, strong, name: local, problem: PROBLEM } as const;
  return {
    takesBuffers: true,
    async check(data, firstBlock, fileOffset) {
      const job: VerifyJob = { ...base, data, firstBlock, fileOffset };
      const done = pool.run(job, [data.buffer as ArrayBuffer]);
      done.catch(() => {}); // observed in drain; keeps an early failure from going unhandled
      inFlight.push(done);
      // Bounded memory: at most two pieces per worker wait.
      if (inFlight.length > 2 * pool.size) await inFlight.shift();
    },
    async drain() {
      await Promise.all(inFlight.splice(0));
    },
    close: () => pool.close(),
  };
}

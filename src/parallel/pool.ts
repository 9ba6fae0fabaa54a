import { type TransferListItem, Worker } from 'node:worker_threads';
import { DeltasyncError, errorFromWire, type WireError } from '../errors/errors.js';
import type { JobKind, JobMessage } from './job.js';

/** What a worker posts back: the job's value, or its error. */
interface WorkerReply {
  ok: boolean;
  value?: unknown;
  error?: WireError;
}

interface Pending {
  job: JobMessage;
  transfer: TransferListItem[];
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * A small pool of worker threads that run jobs (see {@link defineJob}), one at a time each, in
 * arrival order. Workers start on first use and end with {@link WorkerPool.close}; an error
 * thrown in a job rejects that job's promise with an error of the same class, message and causes.
 */
export class WorkerPool {
  readonly #size: number;
  readonly #idle: Worker[] = [];
  readonly #all: Worker[] = [];
  readonly #queue: Pending[] = [];
  /** The job each busy worker runs. */
  readonly #busy = new Map<Worker, Pending>();
  #closed = false;
  #jobsRun = 0;

  constructor(size: number) {
    this.#size = Math.max(1, size);
  }

  /** The most workers this pool runs. */
  get size(): number {
    return this.#size;
  }

  /** Jobs that workers of this pool have finished, successfully or not. */
  get jobsRun(): number {
    return this.#jobsRun;
  }

  /**
   * Starts every worker now rather than on first use, so they boot while the caller prepares
   * work; each also loads the modules of the job `kinds` given, ready for the first job.
   */
  warm(...kinds: Pick<JobKind<unknown, unknown>, 'name' | 'module'>[]): this {
    while (!this.#closed && this.#all.length < this.#size) {
      const w = this.#spawn();
      for (const k of kinds) w.postMessage({ name: k.name, module: k.module, input: undefined, preload: true } satisfies JobMessage);
      this.#idle.push(w);
    }
    return this;
  }

  /** Runs a job of `kind` on a free worker; `transfer` lists buffers to move rather than copy. */
  run<I, O>(kind: JobKind<I, O>, input: I, transfer: TransferListItem[] = []): Promise<O> {
    const job: JobMessage = { name: kind.name, module: kind.module, input };
    return new Promise<O>((resolve, reject) => {
      if (this.#closed) {
        reject(new DeltasyncError(`the worker pool is closed: a ${job.name} job cannot start`, 'EWORKER'));
        return;
      }
      this.#queue.push({ job, transfer, resolve: resolve as (v: unknown) => void, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      let w = this.#idle.pop();
      if (!w && this.#all.length < this.#size) w = this.#spawn();
      if (!w) return;
      const p = this.#queue.shift()!;
      this.#busy.set(w, p);
      try {
        w.postMessage(p.job, p.transfer);
      } catch (err) {
        // A job that cannot be copied to the thread (a function in it, say) fails alone; the worker stays free.
        this.#busy.delete(w);
        this.#idle.push(w);
        p.reject(new DeltasyncError(`a ${p.job.name} job cannot be sent to a worker thread: ${(err as Error).message}`, 'EWORKER', { cause: err }));
      }
    }
  }

  #spawn(): Worker {
    const w = new Worker(new URL('./worker.js', import.meta.url));
    this.#all.push(w);
    w.on('message', (msg: WorkerReply) => {
      const p = this.#busy.get(w);
      this.#busy.delete(w);
      this.#idle.push(w);
      if (p) {
        this.#jobsRun++;
        if (msg.ok) p.resolve(msg.value);
        else p.reject(errorFromWire(msg.error ?? { message: 'a job failed without an error' }));
      }
      this.#dispatch();
    });
    // A worker that fails or ends (killed, out of memory, closed), busy or idle, leaves the pool
    // and fails its job; the next job gets a new worker.
    w.on('error', (err) => this.#lose(w, err));
    w.on('exit', (code) => this.#lose(w, new Error(`a worker thread stopped (exit code ${code})`)));
    return w;
  }

  #lose(w: Worker, err: Error): void {
    const p = this.#busy.get(w);
    this.#busy.delete(w);
    for (const list of [this.#all, this.#idle]) {
      const at = list.indexOf(w);
      if (at >= 0) list.splice(at, 1);
    }
    if (p) {
      const what = this.#closed ? 'the worker pool closed' : err.message;
      p.reject(new DeltasyncError(`${what} during a ${p.job.name} job`, 'EWORKER', { cause: err }));
    }
    this.#dispatch();
  }

  /**
   * Ends every worker. Jobs still waiting for a worker are rejected; running ones are cut short
   * and rejected too. No worker starts after this, so nothing keeps the process alive.
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#queue.splice(0)) p.reject(new DeltasyncError(`the worker pool closed before a ${p.job.name} job started`, 'EWORKER'));
    const all = this.#all.splice(0);
    this.#idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
  }
}

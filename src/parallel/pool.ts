import { type TransferListItem, Worker } from 'node:worker_threads';
import { errorFromCode } from '../errors/errors.js';

/** A message to a worker: `kind` selects the job in worker.ts, the rest is its input. */
export interface Job {
  /** Which job: `scan` or `sums`. */
  kind: string;
  [key: string]: unknown;
}

/** What a worker posts back: the job's value, or its error's message and (for ours) code. */
export interface WorkerReply {
  ok: boolean;
  value?: unknown;
  error?: string;
  code?: string;
}

interface Pending {
  job: Job;
  transfer: TransferListItem[];
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * A small pool of worker threads that run {@link Job}s, one at a time each, in arrival order.
 * Workers start on first use and end with {@link WorkerPool.close}; an error thrown in a job
 * rejects that job's promise with the same message.
 */
export class WorkerPool {
  readonly #size: number;
  readonly #idle: Worker[] = [];
  readonly #all: Worker[] = [];
  readonly #queue: Pending[] = [];
  /** The job each busy worker runs. */
  readonly #busy = new Map<Worker, Pending>();
  #closed = false;

  constructor(size: number) {
    this.#size = Math.max(1, size);
  }

  /** The most workers this pool runs. */
  get size(): number {
    return this.#size;
  }

  /** Starts every worker now rather than on first use, so they boot while the caller prepares work. */
  warm(): this {
    while (!this.#closed && this.#all.length < this.#size) this.#idle.push(this.#spawn());
    return this;
  }

  /** Runs `job` on a free worker; `transfer` lists buffers to move rather than copy. */
  run<T>(job: Job, transfer: TransferListItem[] = []): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#closed) {
        reject(new Error(`the worker pool is closed: a ${job.kind} job cannot start`));
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
        p.reject(new Error(`a ${p.job.kind} job cannot be sent to a worker thread: ${(err as Error).message}`));
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
        if (msg.ok) p.resolve(msg.value);
        else p.reject(msg.code ? errorFromCode(msg.code, msg.error ?? '') : new Error(msg.error));
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
      p.reject(new Error(`${what} during a ${p.job.kind} job`, { cause: err }));
    }
    this.#dispatch();
  }

  /**
   * Ends every worker. Jobs still waiting for a worker are rejected; running ones are cut short
   * and rejected too. No worker starts after this, so nothing keeps the process alive.
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#queue.splice(0)) p.reject(new Error(`the worker pool closed before a ${p.job.kind} job started`));
    const all = this.#all.splice(0);
    this.#idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
  }
}

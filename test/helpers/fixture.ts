import { after, before } from 'node:test';
import { WorkerPool } from '../../src/parallel/pool.js';
import { type TempDir, tempDir } from './temp-dir.js';

/** What {@link useTempDirAndPool} provides, set up before the file's tests and torn down after. */
export interface Fixture {
  readonly t: TempDir;
  readonly pool: WorkerPool;
}

/** Registers hooks that give the test file a temp folder and a worker pool (ended afterwards). */
export function useTempDirAndPool(workers = 2): Fixture {
  const f = {} as { t: TempDir; pool: WorkerPool };
  before(async () => {
    f.t = await tempDir();
    f.pool = new WorkerPool(workers);
  });
  after(async () => {
    await f.pool.close();
    await f.t.done();
  });
  return f;
}

/**
 * A worker pool that records the kind of every job given to it: passed as an operation's `pool`,
 * it shows whether work really went to a worker thread. The caller closes it.
 */
export function countingPool(workers: number): { pool: WorkerPool; kinds: string[] } {
  const pool = new WorkerPool(workers);
  const kinds: string[] = [];
  const run = pool.run.bind(pool);
  pool.run = ((...args: Parameters<typeof run>) => {
    // The job kind's name (run(kind, input)), or the job's kind field (run(job)).
    const first = args[0] as unknown as { name?: string; kind?: string };
    kinds.push(first.name ?? first.kind ?? 'job');
    return run(...args);
  }) as typeof pool.run;
  return { pool, kinds };
}

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { threadId } from 'node:worker_threads';
import { test } from 'node:test';
import { DeltasyncError } from '../../src/errors/errors.js';
import { WorkerPool } from '../../src/parallel/pool.js';
import { echoJob, failJob, probeJob, unregisteredJob } from '../helpers/test-jobs.js';
import { stampJob } from '../helpers/test-stamp-job.js';

const POOL_MODULE = new URL('../../src/parallel/pool.js', import.meta.url).href;
const JOBS_MODULE = new URL('../helpers/test-jobs.js', import.meta.url).href;

test('jobs run on worker threads and answer, typed by their kind; the pool counts them', async () => {
  const pool = new WorkerPool(2);
  try {
    const many = await Promise.all(Array.from({ length: 7 }, (_, i) => pool.run(echoJob, { value: i })));
    assert.deepEqual(many.map((r) => r.value), [0, 1, 2, 3, 4, 5, 6]);
    for (const r of many) assert.notEqual(r.threadId, threadId, 'ran on a worker, not the calling thread');
    assert.ok(new Set(many.map((r) => r.threadId)).size <= 2);
    assert.equal(pool.jobsRun, 7);
  } finally {
    await pool.close();
  }
});

test('warm(kind) has each worker load the kind\'s module before any job of it is run; warm() alone does not', async () => {
  const warmed = new WorkerPool(1).warm(stampJob);
  const plain = new WorkerPool(1).warm();
  try {
    // The flag shows on the worker without a stamp job ever being sent to it.
    const until = Date.now() + 20_000;
    while (!(await warmed.run(probeJob, {})).stampLoaded) {
      assert.ok(Date.now() < until, 'the warmed worker never loaded the module');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await plain.run(probeJob, {})).stampLoaded, false);
    assert.equal(await warmed.run(stampJob, {}), true);
  } finally {
    await Promise.all([warmed.close(), plain.close()]);
  }
});

test('warm(kind) with a module that does not define the kind: the worker survives, the job fails when run', async () => {
  const pool = new WorkerPool(1).warm(unregisteredJob);
  try {
    assert.equal((await pool.run(echoJob, { value: 3 })).value, 3);
    await assert.rejects(pool.run(unregisteredJob, {}), /defines no job 'test-unregistered'/);
  } finally {
    await pool.close();
  }
});

test('a kind whose module registers no handler fails alone and the pool goes on', async () => {
  const pool = new WorkerPool(1);
  try {
    await assert.rejects(pool.run(unregisteredJob, {}), /test-jobs\.js defines no job 'test-unregistered'/);
    assert.equal((await pool.run(echoJob, { value: 5 })).value, 5);
  } finally {
    await pool.close();
  }
});

test('a job that cannot be sent to a thread fails alone; the worker stays in service', async () => {
  const pool = new WorkerPool(1);
  try {
    const notCloneable = { value: 1, f: () => {} } as unknown as { value: number };
    await assert.rejects(pool.run(echoJob, notCloneable), (err: Error) => err instanceof DeltasyncError && err.code === 'EWORKER' && /a test-echo job cannot be sent to a worker thread/.test(err.message));
    assert.equal((await pool.run(echoJob, { value: 2 })).value, 2);
  } finally {
    await pool.close();
  }
});

test('an error keeps its class, code and cause across the thread boundary', async () => {
  const pool = new WorkerPool(1);
  try {
    await assert.rejects(pool.run(failJob, { name: 'some-file' }), (err: Error) => {
      assert.ok(err instanceof DeltasyncError);
      assert.equal(err.code, 'ECHANGED');
      assert.equal(err.message, 'some-file: it went wrong');
      assert.ok(err.cause instanceof Error);
      assert.equal((err.cause as Error).message, 'the underlying cause');
      assert.equal((err.cause as Error).name, 'RangeError');
      return true;
    });
  } finally {
    await pool.close();
  }
});

// A worker left alive keeps the process from exiting, which hangs a test run forever: the
// scenario runs in a child process that must end by itself.
test('close with jobs running and waiting: every job rejects, later jobs and warm() are refused, no worker starts, the process exits', async () => {
  const script = `
    import { WorkerPool } from ${JSON.stringify(POOL_MODULE)};
    import { slowJob } from ${JSON.stringify(JOBS_MODULE)};
    const pool = new WorkerPool(1);
    const outcome = (p) => p.then(() => 'resolved', (e) => 'rejected: ' + e.message);
    const running = outcome(pool.run(slowJob, { ms: 60000 }));
    const waiting = [1, 2, 3].map(() => outcome(pool.run(slowJob, { ms: 60000 })));
    await pool.close();
    pool.warm(); // starts nothing now
    const late = await outcome(pool.run(slowJob, { ms: 1 }));
    console.log(JSON.stringify([await running, ...(await Promise.all(waiting)), late]));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 20_000, killSignal: 'SIGKILL' });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  assert.equal(signal, null, 'the child process did not exit by itself: a worker is still alive');
  assert.equal(code, 0);
  const outcomes = JSON.parse(out) as string[];
  assert.equal(outcomes.length, 5);
  for (const o of outcomes) assert.match(o, /^rejected: /);
  assert.match(outcomes[1]!, /closed before a test-slow job started/);
  assert.match(outcomes[4]!, /worker pool is closed: a test-slow job cannot start/);
});

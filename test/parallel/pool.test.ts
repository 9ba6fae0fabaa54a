import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { VerificationError } from '../../src/errors/errors.js';
import { WorkerPool } from '../../src/parallel/pool.js';
import type { VerifyJob } from '../../src/parallel/worker.js';

const POOL_MODULE = new URL('../../src/parallel/pool.js', import.meta.url).href;

/** A verify job with nothing to check: the cheapest job that succeeds. */
function emptyVerify(): VerifyJob {
  return {
    kind: 'verify',
    data: new Uint8Array(0),
    firstBlock: 0,
    fileOffset: 0,
    blockSize: 1024,
    hash: 'md5',
    strongLength: 16,
    weak: new Int32Array(0),
    strong: new Uint8Array(0),
    name: 'nothing',
    problem: 'differs',
  };
}

test('jobs run and answer; a failing job rejects with its message and the pool goes on', async () => {
  const pool = new WorkerPool(2);
  try {
    assert.equal(await pool.run(emptyVerify()), null);
    await assert.rejects(pool.run({ kind: 'no-such-job' }), /unknown job no-such-job/);
    const many = await Promise.all(Array.from({ length: 7 }, () => pool.run(emptyVerify())));
    assert.deepEqual(many, Array(7).fill(null));
  } finally {
    await pool.close();
  }
});

test('a job that cannot be sent to a thread fails alone; the worker stays in service', async () => {
  const pool = new WorkerPool(1);
  try {
    await assert.rejects(pool.run({ kind: 'verify', notCloneable: () => {} }), /a verify job cannot be sent to a worker thread/);
    assert.equal(await pool.run(emptyVerify()), null);
  } finally {
    await pool.close();
  }
});

test('an error of ours keeps its class across the thread boundary', async () => {
  const pool = new WorkerPool(1);
  try {
    const bad: VerifyJob = { ...emptyVerify(), data: new Uint8Array(1024), weak: new Int32Array(1), strong: new Uint8Array(16), name: 'some-file' };
    await assert.rejects(pool.run(bad), (err: Error) => err instanceof VerificationError && /some-file: block 0 at offset 0 differs/.test(err.message));
  } finally {
    await pool.close();
  }
});

// A worker left alive keeps the process from exiting, which hangs a test run forever: the
// scenario runs in a child process that must end by itself.
test('close with jobs running and waiting: every job rejects, later jobs and warm() are refused, no worker starts, the process exits', async () => {
  const script = `
    import { WorkerPool } from ${JSON.stringify(POOL_MODULE)};
    const pool = new WorkerPool(1);
    const outcome = (p) => p.then(() => 'resolved', (e) => 'rejected: ' + e.message);
    const running = outcome(pool.run({ kind: 'no-such-job' }));
    const waiting = [1, 2, 3].map(() => outcome(pool.run({ kind: 'no-such-job' })));
    await pool.close();
    pool.warm(); // starts nothing now
    const late = await outcome(pool.run({ kind: 'no-such-job' }));
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
  assert.match(outcomes[1]!, /closed before a no-such-job job started/);
  assert.match(outcomes[4]!, /worker pool is closed: a no-such-job job cannot start/);
});

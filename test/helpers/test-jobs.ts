import { threadId } from 'node:worker_threads';
import { DeltasyncError } from '../../src/errors/errors.js';
import { defineJob } from '../../src/parallel/job.js';

/** Answers with its input and the thread it ran on. */
export const echoJob = defineJob('test-echo', import.meta.url, async (input: { value: number }) => ({ value: input.value, threadId }));

/** Fails with an error of ours whose cause is a plain error. */
export const failJob = defineJob('test-fail', import.meta.url, async (input: { name: string }): Promise<never> => {
  throw new DeltasyncError(`${input.name}: it went wrong`, 'ECHANGED', { cause: new RangeError('the underlying cause') });
});

/** Takes its time, so that it is still running when a test closes the pool. */
export const slowJob = defineJob('test-slow', import.meta.url, async (input: { ms: number }) => {
  await new Promise((r) => setTimeout(r, input.ms));
  return input.ms;
});

/** A kind whose module registers no handler for it. */
export const unregisteredJob = { name: 'test-unregistered', module: import.meta.url };

/** Whether this thread has loaded test-stamp-job.js (which sets the flag when it loads). */
export const probeJob = defineJob('test-probe', import.meta.url, async () => ({ stampLoaded: (globalThis as { deltasyncTestStamp?: boolean }).deltasyncTestStamp === true }));

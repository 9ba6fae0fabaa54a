import { defineJob } from '../../src/parallel/job.js';

// Marks this thread as having loaded the module: probeJob (test-jobs.js) reports it.
(globalThis as { deltasyncTestStamp?: boolean }).deltasyncTestStamp = true;

/** A job kind in a module of its own, to see when a worker loads it. */
export const stampJob = defineJob('test-stamp', import.meta.url, async () => true);

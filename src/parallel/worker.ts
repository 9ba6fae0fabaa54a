import { parentPort } from 'node:worker_threads';
import { errorToWire } from '../errors/errors.js';
import { handlerOf, type JobMessage } from './job.js';

/**
 * A worker thread: runs each job it is sent with the handler its owning module registered (see
 * {@link defineJob}), one at a time, and posts back the result or the error.
 */
parentPort!.on('message', (msg: JobMessage) => {
  // A failure to load shows when a job of that kind arrives.
  if (msg.preload) return void handlerOf(msg.name, msg.module).catch(() => {});
  handlerOf(msg.name, msg.module)
    .then((run) => run(msg.input))
    .then(
      (value) => parentPort!.postMessage({ ok: true, value }),
      (err: unknown) => parentPort!.postMessage({ ok: false, error: errorToWire(err) }),
    );
});

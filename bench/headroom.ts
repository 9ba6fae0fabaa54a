/**
 * How much parallel speed the machine offers right now: the same pure compute loop on one worker
 * alone, then on `threads` workers at once. On a quiet machine with `threads` free cores the
 * ratio is close to `threads`; on a shared VM it shows how much of the parallel figures other
 * processes took.
 */
import { Worker } from 'node:worker_threads';
import { median } from './common.js';

const CODE = `
const { parentPort } = require('node:worker_threads');
function spin(n) { let x = 1; for (let i = 0; i < n; i++) x = (Math.imul(x, 0x2c1b3c6d) + i) | 0; return x; }
parentPort.on('message', (n) => parentPort.postMessage(spin(n)));
`;

/** Median over `rounds` of (work done by `threads` workers at once) / (work done by one), per unit time. */
export async function parallelHeadroom(threads: number, rounds = 5, work = 1e8): Promise<{ speedup: number; all: number[] }> {
  const workers = Array.from({ length: threads }, () => new Worker(CODE, { eval: true }));
  const run = (w: Worker, n: number) =>
    new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => {
        w.off('message', onMessage);
        reject(e);
      };
      const onMessage = () => {
        w.off('error', onError);
        resolve();
      };
      w.once('message', onMessage);
      w.once('error', onError);
      w.postMessage(n);
    });
  try {
    for (let i = 0; i < 3; i++) await Promise.all(workers.map((w) => run(w, work / 10)));
    const all: number[] = [];
    for (let r = 0; r < rounds; r++) {
      let t = performance.now();
      await run(workers[0], work);
      const one = performance.now() - t;
      t = performance.now();
      await Promise.all(workers.map((w) => run(w, work)));
      const many = performance.now() - t;
      all.push((threads * one) / many);
    }
    return { speedup: median(all), all };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

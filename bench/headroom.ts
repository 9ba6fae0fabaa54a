/**
 * The yardstick for the parallel figures: what the machine does with the scan kernel itself
 * (match/roll-kernel.wat.mjs, rolling over random bytes that never match) on one worker alone,
 * then on `threads` workers at once. On a quiet machine with `threads` free cores the ratio is
 * close to `threads`; on a shared VM it shows how much of the parallel figures other processes
 * took, and what a parallel scan can hope for.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { median } from './common.js';

/**
 * The same loop in plain C (bench/yardstick.c, built with `cc -O2` when a C compiler is there):
 * the median MB/s of `runs` runs on one core, or undefined without a compiler.
 */
export function cYardstick(runs = 5): number | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'deltasync-yardstick-'));
  try {
    const exe = join(dir, 'yardstick');
    const source = fileURLToPath(new URL('../../bench/yardstick.c', import.meta.url));
    try {
      execFileSync('cc', ['-O2', '-o', exe, source], { stdio: 'ignore', timeout: 60_000 });
    } catch {
      return undefined;
    }
    const all = Array.from({ length: runs }, () => Number(execFileSync(exe, [String(64 << 20)], { encoding: 'utf8', timeout: 60_000 }).split(' ')[0]));
    return median(all);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CODE = `
const { parentPort } = require('node:worker_threads');
let kernel;
parentPort.on('message', ({ module, bytes }) => {
  if (!kernel) {
    const ex = new WebAssembly.Instance(module).exports;
    const L = 8192, bitsBytes = 1 << 18;
    ex.memory.grow(Math.ceil((1024 + bitsBytes + 256 + bytes + L) / 65536));
    const u8 = new Uint8Array(ex.memory.buffer);
    let x = 12345;
    const dataAt = 1024 + bitsBytes + 256;
    for (let i = dataAt; i < dataAt + bytes + L; i++) { x = (Math.imul(x, 1103515245) + 12345) | 0; u8[i] = x >>> 24; }
    // An empty prefilter and table: every window is rolled over, none leaves the kernel.
    kernel = { ex, L, dataAt, slotsAt: 1024 + bitsBytes, shift: 32 - 16 };
  }
  const k = kernel;
  let p = k.dataAt;
  const end = k.dataAt + bytes;
  while (p < end) p = k.ex.roll(p, Math.min(end, p + 65536), end, k.L, k.shift, 0, 0, k.slotsAt, 28, k.slotsAt + 64, -1);
  parentPort.postMessage(p);
});
`;

/**
 * Median over `rounds` of (bytes rolled by `threads` workers at once) / (bytes rolled by one),
 * per unit time, and the one-worker speed in MB/s.
 */
export async function parallelHeadroom(threads: number, rounds = 5, bytes = 64 << 20): Promise<{ speedup: number; all: number[]; oneMBps: number }> {
  const module = new WebAssembly.Module(readFileSync(new URL('../src/match/roll-kernel.wasm', import.meta.url)));
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
      w.postMessage({ module, bytes: n });
    });
  try {
    for (let i = 0; i < 3; i++) await Promise.all(workers.map((w) => run(w, bytes)));
    const all: number[] = [];
    const one: number[] = [];
    for (let r = 0; r < rounds; r++) {
      let t = performance.now();
      await run(workers[0], bytes);
      const oneMs = performance.now() - t;
      t = performance.now();
      await Promise.all(workers.map((w) => run(w, bytes)));
      const many = performance.now() - t;
      all.push((threads * oneMs) / many);
      one.push(bytes / oneMs / 1e3);
    }
    return { speedup: median(all), all, oneMBps: median(one) };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

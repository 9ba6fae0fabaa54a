/**
 * The scan writing the blocks it finds into an output (match/found-sink.ts): on every thread,
 * each block at its place, runs of one match alone left out under a match run of 2; and a
 * parallel scan that fails leaves no scanner running (one would write to a file its caller closes).
 */
import assert from 'node:assert/strict';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildIndex } from '../../src/index/build.js';
import { foundSink, writeFound } from '../../src/match/found-sink.js';
import { MatchList } from '../../src/match/match-list.js';
import { scanFile } from '../../src/match/scan.js';
import { WorkerPool } from '../../src/parallel/pool.js';
import { concat, seededBytes } from '../helpers/random.js';
import { useTempDirAndPool } from '../helpers/fixture.js';

const fx = useTempDirAndPool();

test('a scan on three threads writes every block it finds at its place; blocks not found stay unwritten', async () => {
  const L = 4096;
  const ref = seededBytes(1, 6 * 1024 * 1024 + 1000);
  // The local file: the reference with 10 blocks' worth changed at block 300, shifted by 77 bytes.
  const local = concat(seededBytes(2, 77), ref.subarray(0, 300 * L), seededBytes(3, 10 * L), ref.subarray(310 * L));
  const refPath = await fx.t.write('sink-ref', ref);
  const localPath = await fx.t.write('sink-local', local);
  const index = await buildIndex(refPath, { blockSize: L, threads: 1 });
  const outPath = fx.t.path('sink-out');
  const fd = openSync(outPath, 'w+');
  try {
    const sink = foundSink(fd, index.fileSize, L, index.blockCount, 1);
    const r = await scanFile(localPath, index, { threads: 3, pool: fx.pool, minChunk: 1024 * 1024, piece: 300_000, sink });
    assert.ok(r.stats.threads > 1, 'the scan ran on workers');
    const out = readFileSync(outPath);
    for (let k = 0; k < index.blockCount; k++) {
      const found = r.blockOffsets[k] >= 0;
      assert.equal(sink.written[k] === 1, found, `block ${k}: written as found`);
      if (found) assert.ok(out.subarray(k * L, Math.min(ref.length, (k + 1) * L)).equals(ref.subarray(k * L, (k + 1) * L)), `block ${k} bytes`);
    }
    assert.equal(Atomics.load(sink.count, 0), index.blockCount - 10);
  } finally {
    closeSync(fd);
  }
});

test('with a match run of 2, a match alone is not written; two in a row are', () => {
  const L = 16;
  const data = seededBytes(4, 10 * L);
  const outPath = fx.t.path('sink-pairs');
  const fd = openSync(outPath, 'w+');
  try {
    const sink = foundSink(fd, 10 * L, L, 10, 2);
    const m = new MatchList();
    m.push(0, 0); // alone
    m.push(3 * L, 3); // a run of two
    m.push(4 * L, 4);
    m.push(7 * L, 8); // next to block 8's match, but not block 7 + 1: alone
    m.push(8 * L, 9);
    writeFound(sink, m, 0, data, 0);
    assert.deepEqual(Array.from(sink.written), [0, 0, 0, 1, 1, 0, 0, 0, 1, 1]);
    const out = readFileSync(outPath);
    assert.ok(out.subarray(3 * L, 5 * L).equals(data.subarray(3 * L, 5 * L)));
    assert.ok(out.subarray(8 * L, 10 * L).equals(data.subarray(7 * L, 9 * L)));
  } finally {
    closeSync(fd);
  }
});

test('a parallel scan that fails waits for every scanner to stop before it throws', async () => {
  const ref = seededBytes(5, 8 * 1024 * 1024);
  const refPath = await fx.t.write('fail-ref', ref);
  const index = await buildIndex(refPath, { blockSize: 4096, threads: 1 });
  const pool = new WorkerPool(2);
  let started = 0;
  let settled = 0;
  const run = pool.run.bind(pool);
  pool.run = ((...args: Parameters<typeof run>) => {
    started++;
    const p = run(...args);
    p.then(() => settled++, () => settled++);
    return p;
  }) as typeof pool.run;
  try {
    // No such file descriptor: every scanner fails at the first block it writes.
    const sink = foundSink(2 ** 30, index.fileSize, 4096, index.blockCount, 1);
    await assert.rejects(scanFile(refPath, index, { threads: 3, pool, minChunk: 1024 * 1024, sink }), /EBADF|bad file descriptor/i);
    await new Promise((r) => setImmediate(r));
    assert.ok(started > 0, 'jobs went to workers');
    assert.equal(settled, started, 'no scan job is still running when the scan has thrown');
  } finally {
    await pool.close();
  }
});

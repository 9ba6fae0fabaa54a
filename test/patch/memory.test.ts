import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { BIN } from '../cli/run-cli.js';
import { assertOk, oneJson, runCli, type Served, serveStatic } from '../helpers/cli-run.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';
import { run } from '../helpers/zsync-tools.js';

// A 1 GiB patch over HTTP keeps the process's peak RSS bounded. The reference and the local file
// are sparse (1 GiB of zeros with 64 random 64 KiB islands, 4 MiB on disk each); the local file
// has 3000-byte edits in 22 of the islands, so 44 blocks come from the server. Measured on the
// development machine (2 cores, shared): peak RSS 166 to 195 MiB over runs, the whole file about 44 s. Bound: 300 MiB.
const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;
const RSS_BOUND = 300 * MiB;
const BLOCK = 8192;
const islands = Array.from({ length: 64 }, (_, i) => i * 16 * MiB + 12_345);
const edits = islands.filter((_, i) => i % 3 === 0).map((at) => at + 20_000);
const EDIT = 3000;

let t: TempDir;
let server: Served;
before(async () => {
  t = await tempDir('deltasync-memory-');
  for (const [name, edited] of [['ref', false], ['local', true]] as const) {
    const fh = await open(t.path(name), 'w');
    try {
      await fh.truncate(GiB);
      for (const [i, at] of islands.entries()) await fh.write(seededBytes(2000 + i, 64 * 1024), 0, 64 * 1024, at);
      if (edited) for (const at of edits) await fh.write(Buffer.alloc(EDIT, 0x5a), 0, EDIT, at);
    } finally {
      await fh.close();
    }
  }
  assertOk(await runCli(['build', t.path('ref'), '-o', t.path('ref.gosync')], { timeoutMs: 90_000 }));
  server = await serveStatic(t.dir);
});
after(async () => {
  await server?.close();
  await t?.done();
});

/** The child's peak RSS in bytes, from GNU time's report or (without it) /proc/<pid>/status VmHWM, polled. */
async function runMeasured(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string; peak: number; how: string }> {
  if (existsSync('/usr/bin/time')) {
    const report = t.path('time.txt');
    const r = await run('/usr/bin/time', ['-v', '-o', report, process.execPath, BIN, ...args], { timeoutMs });
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(await readFile(report, 'utf8'));
    assert.ok(m, 'GNU time reports the maximum resident set size');
    return { ...r, peak: Number(m[1]) * 1024, how: '/usr/bin/time -v' };
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const poll = setInterval(() => {
      readFile(`/proc/${child.pid}/status`, 'utf8').then((s) => {
        const m = /VmHWM:\s+(\d+) kB/.exec(s);
        if (m) peak = Math.max(peak, Number(m[1]) * 1024);
      }, () => {});
    }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, stdout, stderr, peak, how: '/proc/<pid>/status VmHWM' });
    });
  });
}

test(`a 1 GiB patch over HTTP stays under ${RSS_BOUND / MiB} MiB of RSS`, { timeout: 180_000 }, async (ctx) => {
  const started = Date.now();
  const r = await runMeasured(['--json', 'patch', t.path('local'), t.path('ref.gosync'), `${server.url}ref`, '-o', t.path('out')], 120_000);
  assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const j = oneJson(r.stdout);
  const fetchedBlocks = new Set(edits.flatMap((at) => [Math.floor(at / BLOCK), Math.floor((at + EDIT - 1) / BLOCK)]));
  assert.equal(j.fileSize, GiB);
  assert.equal(j.fetchedBytes, fetchedBlocks.size * BLOCK);
  assert.equal(j.reusedBytes, GiB - fetchedBlocks.size * BLOCK);
  assert.equal(j.fetchRegions, edits.length);
  assert.equal(j.http.bodyBytes, j.fetchedBytes);
  assert.equal((await stat(t.path('out'))).size, GiB);
  const same = await run('cmp', [t.path('out'), t.path('ref')], { timeoutMs: 60_000 });
  assert.equal(same.code, 0, `the output differs from the reference: ${same.stdout}${same.stderr}`);
  ctx.diagnostic(`peak RSS ${(r.peak / MiB).toFixed(1)} MiB (${r.how}), bound ${RSS_BOUND / MiB} MiB; patch and check ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.ok(r.peak > 0, 'a peak was measured');
  assert.ok(r.peak < RSS_BOUND, `peak RSS ${(r.peak / MiB).toFixed(1)} MiB, bound ${RSS_BOUND / MiB} MiB`);
});

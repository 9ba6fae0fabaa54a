import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { httpSource } from '../../src/source/http-source.js';
import { assertRanges, fetchAll } from '../helpers/fault-server.js';
import { freePort, stopChild, waitForPort } from '../helpers/nginx.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

const data = seededBytes(51, 2_000_000);
let t: TempDir;
let python: ChildProcess | undefined;
let url = '';
before(async () => {
  t = await tempDir();
  await t.write('ref.bin', data);
  const port = await freePort();
  // A real server that ignores Range: every GET gets 200 and the whole file.
  python = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', String(port)], {
    cwd: t.dir,
    stdio: 'ignore',
    timeout: 120_000,
    killSignal: 'SIGKILL',
  });
  await waitForPort(port, 15_000, () => python!.exitCode === null && python!.signalCode === null);
  url = `http://127.0.0.1:${port}/ref.bin`;
});
after(async () => {
  if (python) await stopChild(python);
  await t.done();
});

test('python3 -m http.server (ignores Range): ranges taken from the whole file, with a warning', async () => {
  const ranges = Array.from({ length: 200 }, (_, i) => ({ offset: i * 9000 + (i % 7), length: 100 + i * 3 }));
  const warnings: string[] = [];
  const src = httpSource(url, { onWarning: (m) => warnings.push(m), retryDelay: 5 });
  try {
    await src.prepare({ size: data.length });
    assertRanges(await fetchAll(src, ranges), ranges, data);
    assert.ok(warnings.some((w) => /ignores Range/.test(w)), warnings.join('\n'));
    const s = src.stats;
    // Known from the one-byte probe before any range request: the file streams through once, every piece given to every range waiting for it.
    assert.ok(s.wireBytes < 1.5 * data.length, JSON.stringify(s));
  } finally {
    await src.close();
  }
});

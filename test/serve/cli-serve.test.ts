import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { seededBytes } from '../helpers/random.js';
import { tempDir } from '../helpers/temp-dir.js';
import { send } from './request.js';

const serveJs = fileURLToPath(new URL('../../src/cli/serve.js', import.meta.url));
const outputJs = fileURLToPath(new URL('../../src/cli/output.js', import.meta.url));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`serve command: prints its URL, logs requests with --verbose, stops cleanly on ${signal}`, async () => {
    const t = await tempDir();
    const data = seededBytes(81, 1000);
    await t.write('f.bin', data);
    // The command as main.ts will run it, without main's exit-at-once signal handlers.
    const script = `
      const { serveCommand } = await import(${JSON.stringify(serveJs)});
      const { Output } = await import(${JSON.stringify(outputJs)});
      await serveCommand(new Output()).parseAsync([${JSON.stringify(t.dir)}, '--port', '0', '--verbose'], { from: 'user' });
      process.stderr.write('stopped\\n');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, killSignal: 'SIGKILL' });
    try {
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          stdout += d;
          const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
          if (m) resolve(m[1]);
        });
        child.once('exit', () => reject(new Error(`exited early: ${stdout}${stderr}`)));
      });
      const port = Number(new URL(url).port);
      const a = await send(port, '/f.bin', { Range: 'bytes=10-19' });
      assert.equal(a.status, 206);
      assert.deepEqual(a.body, Buffer.from(data.subarray(10, 20)));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill(signal);
      assert.equal(await exited, 0);
      assert.match(stderr, /GET \/f\.bin 206 10 /);
      assert.match(stderr, /stopped/);
    } finally {
      child.kill('SIGKILL');
      await t.done();
    }
  });
}

import assert from 'node:assert/strict';
import { readdir, readlink, realpath } from 'node:fs/promises';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStaticServer, type StaticServer } from '../../src/serve/static-server.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

let t: TempDir;
let server: StaticServer;
before(async () => {
  t = await tempDir();
  await t.write('big.bin', Buffer.alloc(4 << 20, 7));
  server = await startStaticServer({ root: t.dir });
});
after(async () => {
  await server.close();
  await t.done();
});

/** Descriptors this process holds open on `path` (Linux only). */
async function openOn(path: string): Promise<number> {
  let n = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    if ((await readlink(`/proc/self/fd/${fd}`).catch(() => '')) === path) n++;
  }
  return n;
}

test('a client that goes away before the answer starts leaves no file open', { skip: process.platform !== 'linux' }, async () => {
  const file = await realpath(t.path('big.bin'));
  for (let i = 0; i < 20; i++) {
    await new Promise<void>((resolve, reject) => {
      const s = connect(server.port, '127.0.0.1', () => {
        s.write(`GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n`, () => {
          setTimeout(() => {
            s.destroy();
            resolve();
          }, i % 5);
        });
      });
      s.on('error', reject);
    });
  }
  let open = await openOn(file);
  for (let waited = 0; open > 0 && waited < 3000; waited += 100) {
    await sleep(100);
    open = await openOn(file);
  }
  assert.equal(open, 0, 'descriptors left open on the served file');
});

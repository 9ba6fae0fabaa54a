import assert from 'node:assert/strict';
import { rename } from 'node:fs/promises';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { startStaticServer, type StaticServer } from '../../src/serve/static-server.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

const size = 48 << 20;
let t: TempDir;
let server: StaticServer;
before(async () => {
  t = await tempDir();
  await t.write('f.bin', Buffer.alloc(size, 1));
  await t.write('new.bin', Buffer.alloc(size, 2));
  server = await startStaticServer({ root: t.dir });
});
after(async () => {
  await server.close();
  await t.done();
});

test('a file replaced (renamed over) during a multi-range answer: every part comes from the version its ETag names', async () => {
  const body = await new Promise<Buffer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: '/f.bin', headers: { range: `bytes=0-${size - 2},${size - 1}-${size - 1}` } }, (res) => {
      assert.equal(res.statusCode, 206);
      // The server is still on the first (large) part: replace the file before reading on.
      rename(t.path('new.bin'), t.path('f.bin')).then(() => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      }, reject);
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  const tail = body.subarray(body.length - 200).toString('latin1');
  const m = /Content-Range: bytes \d+-\d+\/\d+\r\n\r\n([\s\S])\r\n--/.exec(tail);
  assert.ok(m, 'no second part');
  assert.equal(m[1].charCodeAt(0), 1, 'the second part came from the new version of the file');
});

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { encodeIndex } from '../../src/format/index-file.js';
import { buildIndex } from '../../src/index/build.js';
import { loadIndex, referenceLocations, sourceAt } from '../../src/source/locate.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

const data = seededBytes(5, 50_000);
const auth = `Basic ${Buffer.from('user:s3cret').toString('base64')}`;
let t: TempDir;
let server: Server;
let base: string;
let index: Uint8Array;

before(async () => {
  t = await tempDir();
  await t.write('f', data);
  index = encodeIndex(await buildIndex(t.path('f'), { blockSize: 4096 }));
  server = createServer((req, res) => {
    if (req.headers.authorization !== auth) {
      res.writeHead(401, { 'Content-Length': 0 }).end();
      return;
    }
    const body = req.url === '/f.zsync' ? Buffer.from(index) : req.url === '/bad.zsync' ? Buffer.from('not an index at all') : Buffer.from(data);
    res.writeHead(200, { 'Content-Length': body.length, 'Accept-Ranges': 'bytes', ETag: '"x"' }).end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://user:s3cret@127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.done();
});

test('an index URL with credentials: the reference beside it on the same origin is asked with them too', async () => {
  const { index: got, location } = await loadIndex(`${base}f.zsync`);
  const [ref] = referenceLocations(got, location);
  const src = await sourceAt(ref);
  try {
    await src.prepare({ size: data.length });
    assert.ok(!src.name.includes('s3cret'));
  } finally {
    await src.close();
  }
});

test('an index URL with credentials: an index format error does not show the password', async () => {
  await assert.rejects(loadIndex(`${base}bad.zsync`), (e: Error) => {
    assert.ok(!e.message.includes('s3cret'), e.message);
    return true;
  });
});

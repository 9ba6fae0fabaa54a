import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startStaticServer, type StaticServer } from '../../src/serve/static-server.js';
import { ByteRangesParser, byteRangesBoundary } from '../../src/source/multipart.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';
import { send } from './request.js';

const data = seededBytes(71, 50_000);
let t: TempDir;
let server: StaticServer;
const lines: string[] = [];
before(async () => {
  t = await tempDir();
  await t.write('f.bin', data);
  server = await startStaticServer({ root: t.dir, log: (l) => lines.push(l) });
});
after(async () => {
  await server.close();
  await t.done();
});

test('listens on 127.0.0.1 by default', () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
});

test('GET without Range: 200, the whole file, validators and Accept-Ranges', async () => {
  const a = await send(server.port, '/f.bin');
  assert.equal(a.status, 200);
  assert.deepEqual(a.body, Buffer.from(data));
  assert.equal(a.headers['accept-ranges'], 'bytes');
  assert.match(String(a.headers.etag), /^"[0-9a-f-]+"$/);
  assert.ok(!Number.isNaN(Date.parse(String(a.headers['last-modified']))));
});

test('single ranges: a-b, a-, -n; an end past the file is cut', async () => {
  for (const [h, from, to] of [['bytes=0-0', 0, 0], ['bytes=100-199', 100, 199], ['bytes=49990-', 49990, 49999], ['bytes=-10', 49990, 49999], ['bytes=49000-99999', 49000, 49999]] as const) {
    const a = await send(server.port, '/f.bin', { Range: h });
    assert.equal(a.status, 206, h);
    assert.equal(a.headers['content-range'], `bytes ${from}-${to}/50000`);
    assert.deepEqual(a.body, Buffer.from(data.subarray(from, to + 1)), h);
  }
});

test('multi-range: multipart/byteranges with each part exact, Content-Length exact', async () => {
  const a = await send(server.port, '/f.bin', { Range: 'bytes=0-9, 1000-1999,-5' });
  assert.equal(a.status, 206);
  assert.equal(Number(a.headers['content-length']), a.body.length);
  const boundary = byteRangesBoundary(a.headers['content-type']);
  assert.ok(boundary);
  const got: [number, Buffer][] = [];
  const p = new ByteRangesParser(boundary, 50_000, (at, d) => got.push([at, Buffer.from(d)]));
  p.push(a.body);
  assert.ok(p.done);
  assert.equal(p.parts, 3);
  for (const [at, d] of got) assert.deepEqual(d, Buffer.from(data.subarray(at, at + d.length)));
  assert.deepEqual(got.map(([at, d]) => [at, d.length]), [[0, 10], [1000, 1000], [49995, 5]]);
});

test('HEAD: the headers of GET, no body', async () => {
  const a = await send(server.port, '/f.bin', { Range: 'bytes=5-14' }, 'HEAD');
  assert.equal(a.status, 206);
  assert.equal(a.headers['content-length'], '10');
  assert.equal(a.body.length, 0);
  const whole = await send(server.port, '/f.bin', {}, 'HEAD');
  assert.equal(whole.headers['content-length'], '50000');
});

test('unsatisfiable ranges: 416 with bytes */size; malformed ones are ignored (200)', async () => {
  for (const h of ['bytes=50000-', 'bytes=60000-60010,70000-', 'bytes=-0']) {
    const a = await send(server.port, '/f.bin', { Range: h });
    assert.equal(a.status, 416, h);
    assert.equal(a.headers['content-range'], 'bytes */50000');
  }
  for (const h of ['bytes=9-1', 'items=0-1', 'bytes=x-y']) assert.equal((await send(server.port, '/f.bin', { Range: h })).status, 200, h);
});

test('If-Range: the range when the validator matches, the whole file when not', async () => {
  const { headers } = await send(server.port, '/f.bin', {}, 'HEAD');
  const etag = String(headers.etag);
  assert.equal((await send(server.port, '/f.bin', { Range: 'bytes=0-9', 'If-Range': etag })).status, 206);
  assert.equal((await send(server.port, '/f.bin', { Range: 'bytes=0-9', 'If-Range': String(headers['last-modified']) })).status, 206);
  const other = await send(server.port, '/f.bin', { Range: 'bytes=0-9', 'If-Range': '"other"' });
  assert.equal(other.status, 200);
  assert.equal(other.body.length, 50_000);
  assert.equal((await send(server.port, '/f.bin', { Range: 'bytes=0-9', 'If-Match': '"other"' })).status, 412);
  assert.equal((await send(server.port, '/f.bin', { Range: 'bytes=0-9', 'If-Match': etag })).status, 206);
  assert.equal((await send(server.port, '/f.bin', { 'If-None-Match': etag })).status, 304);
});

test('other methods are 405; every request is logged in one line', async () => {
  assert.equal((await send(server.port, '/f.bin', {}, 'POST')).status, 405);
  assert.ok(lines.length > 5);
  assert.ok(lines.every((l) => !l.includes('\n')));
  assert.ok(lines.some((l) => / GET \/f\.bin 206 /.test(l)), lines.join('\n'));
});

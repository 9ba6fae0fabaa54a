import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { DeltasyncError } from '../../src/errors/errors.js';
import { httpSource } from '../../src/source/http-source.js';
import { seededBytes } from '../helpers/random.js';

const tls = (name: string) => readFileSync(new URL(`../../../test/data/tls/${name}`, import.meta.url), 'utf8');
const data = seededBytes(91, 100_000);
let server: Server;
let url: string;

// A small HTTPS server with a certificate from the test CA: HEAD, and single ranges.
before(async () => {
  server = createServer({ key: tls('server.key'), cert: tls('server.pem') }, (req, res) => {
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (!m) {
      res.writeHead(200, { 'content-length': data.length, 'accept-ranges': 'bytes' });
      res.end(req.method === 'HEAD' ? undefined : data);
      return;
    }
    const [from, to] = [Number(m[1]), Math.min(Number(m[2]), data.length - 1)];
    res.writeHead(206, { 'content-range': `bytes ${from}-${to}/${data.length}`, 'content-length': to - from + 1 });
    res.end(data.subarray(from, to + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/ref.bin`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('HTTPS with a private CA given as ca: exact ranges', async () => {
  const src = httpSource(url, { ca: tls('ca.pem'), maxRangesPerRequest: 1 });
  try {
    await src.prepare({ size: data.length });
    const ranges = [{ offset: 10, length: 1000 }, { offset: 50_000, length: 20_000 }];
    const got: Uint8Array[] = [];
    for await (const b of src.fetch(ranges)) got.push(Uint8Array.from(b));
    assert.deepEqual(got, ranges.map((r) => data.subarray(r.offset, r.offset + r.length)));
  } finally {
    await src.close();
  }
});

test('HTTPS without the CA: a one-line ENETWORK error naming the URL, at once (no retries)', async () => {
  const src = httpSource(url, { retryDelay: 5 });
  try {
    await assert.rejects(src.prepare({ size: data.length }), (e: DeltasyncError) => {
      assert.equal(e.code, 'ENETWORK');
      assert.ok(e.message.startsWith(`${url}: `), e.message);
      assert.equal(e.message.split('\n').length, 1);
      return true;
    });
    assert.equal(src.stats.retries, 0, 'a certificate error is not cured by trying again');
  } finally {
    await src.close();
  }
});

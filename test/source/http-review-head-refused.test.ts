import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { parseRangeHeader } from '../../src/serve/range-header.js';
import { httpSource } from '../../src/source/http-source.js';
import { seededBytes } from '../helpers/random.js';

const data = seededBytes(8, 30_000);
let server: Server;
let url: string;
let headStatus = 405;

before(async () => {
  server = createServer((req, res) => {
    if (req.method === 'HEAD') {
      res.writeHead(headStatus, { 'Content-Length': 0 }).end();
      return;
    }
    const asked = parseRangeHeader(req.headers.range, data.length);
    if (asked.kind !== 'ranges' || asked.ranges.length !== 1) {
      res.writeHead(200, { 'Content-Length': data.length }).end(data);
      return;
    }
    const r = asked.ranges[0];
    res.writeHead(206, { 'Content-Range': `bytes ${r.start}-${r.end}/${data.length}`, 'Content-Length': r.end - r.start + 1 }).end(data.subarray(r.start, r.end + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/f`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

for (const status of [405, 501]) {
  test(`a server that refuses HEAD (${status}) is asked for its size with a one-byte GET`, async () => {
    headStatus = status;
    const src = httpSource(url, { retryDelay: 1 });
    try {
      await src.prepare({ size: data.length });
      const got: Uint8Array[] = [];
      for await (const c of src.fetch([{ offset: 100, length: 1000 }])) got.push(c);
      assert.deepEqual(got, [data.subarray(100, 1100)]);
    } finally {
      await src.close();
    }
  });
}

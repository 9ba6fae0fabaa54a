import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { DeltasyncError } from '../../src/errors/errors.js';
import { httpSource } from '../../src/source/http-source.js';

const size = 10_000;
let server: Server;
let url: string;
/** What a multi-range request is answered with: a part without Content-Range, or one of another size. */
let mode: 'no-content-range' | 'other-size' = 'no-content-range';

before(async () => {
  server = createServer((req, res) => {
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('ETag', '"v1"');
    const range = req.headers.range;
    if (req.method === 'HEAD' || range === undefined) {
      res.writeHead(200, { 'Content-Length': size }).end(req.method === 'HEAD' ? undefined : Buffer.alloc(size));
      return;
    }
    const part = mode === 'no-content-range' ? 'Content-Type: application/octet-stream' : `Content-Range: bytes 0-9/${size + 1}`;
    const body = `--XYZ\r\n${part}\r\n\r\n0123456789\r\n--XYZ--\r\n`;
    res.writeHead(206, { 'Content-Type': 'multipart/byteranges; boundary=XYZ', 'Content-Length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/file.bin`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

for (const m of ['no-content-range', 'other-size'] as const) {
  test(`a malformed multipart answer (${m}) is reported with the URL`, async () => {
    mode = m;
    const src = httpSource(url, { retryDelay: 1, connections: 1, coalesceGap: 0 });
    try {
      await src.prepare({ size });
      await assert.rejects(
        async () => {
          for await (const _ of src.fetch([{ offset: 0, length: 10 }, { offset: 5000, length: 10 }]));
        },
        (e: DeltasyncError) => {
          assert.ok(e instanceof DeltasyncError);
          assert.ok(e.message.includes(url), `the message names no URL: ${e.message}`);
          return true;
        },
      );
    } finally {
      await src.close();
    }
  });
}

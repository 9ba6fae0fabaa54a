import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { DeltasyncError } from '../../src/errors/errors.js';
import { httpSource } from '../../src/source/http-source.js';

let server: Server;
let url: string;

before(async () => {
  server = createServer((_req, res) => {
    res.writeHead(302, { Location: 'http://exa mple.invalid:99999/x', 'Content-Length': 0 }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/f`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('a redirect to a Location that is not a URL fails with an EHTTP error naming the URL', async () => {
  const src = httpSource(url, { retryDelay: 1 });
  try {
    await assert.rejects(src.prepare({ size: 10 }), (e: Error) => {
      assert.ok(e instanceof DeltasyncError, `not a DeltasyncError: ${e}`);
      assert.equal(e.code, 'EHTTP');
      assert.ok(e.message.includes(url), e.message);
      return true;
    });
  } finally {
    await src.close();
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltasyncError } from '../../src/errors/errors.js';
import { httpSource } from '../../src/source/http-source.js';
import { seededBytes } from '../helpers/random.js';
import { useFaultServer } from '../helpers/fault-fixture.js';

const { data, ranges, quick, server, withSource } = useFaultServer();

test('a file replaced on the server mid-transfer is detected and named (ECHANGED), never mixed', async () => {
  await withSource({ maxRangesPerRequest: 1 }, async (src) => {
    const first = server.requests.length;
    const it = src.fetch(ranges)[Symbol.asyncIterator]();
    const a = await it.next();
    assert.deepEqual(a.value, data.subarray(1000, 6000));
    server.replace(seededBytes(22, data.length));
    await assert.rejects(
      (async () => {
        for (let r = await it.next(); !r.done; r = await it.next());
      })(),
      (e: DeltasyncError) => e.code === 'ECHANGED' && e.message.startsWith(server.url) && e.message.includes('changed on the server'),
    );
    const conditional = server.requests.slice(first).filter((r) => r.method === 'GET');
    assert.ok(conditional.every((r) => r.headers['if-match'] !== undefined && r.headers['if-range'] !== undefined), 'every range request is conditional');
    server.replace(data);
  });
});

test('a replacement of another size is ECHANGED at prepare', async () => {
  server.replace(data.subarray(0, 1000));
  const src = httpSource(server.url, quick);
  try {
    await assert.rejects(src.prepare({ size: data.length }), (e: DeltasyncError) => e.code === 'ECHANGED' && e.message.includes('1000 bytes'));
  } finally {
    await src.close();
    server.replace(data);
  }
});

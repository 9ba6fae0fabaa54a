import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltasyncError } from '../../src/errors/errors.js';
import { httpSource } from '../../src/source/http-source.js';
import { useFaultServer } from '../helpers/fault-fixture.js';

const { data, quick, server } = useFaultServer();

test('readAll downloads a whole file (an index) in one GET, without a HEAD first', async () => {
  const src = httpSource(server.url, quick);
  try {
    const before = server.requests.length;
    assert.deepEqual(await src.readAll(1 << 20), data);
    const asked = server.requests.slice(before);
    assert.deepEqual(asked.map((r) => r.method), ['GET']);
    assert.equal(asked[0].headers.range, undefined);
    assert.equal(src.stats.bodyBytes, data.length);
  } finally {
    await src.close();
  }
});

test('readAll retries a 503 and a dropped answer, and refuses a file over its limit', async () => {
  const src = httpSource(server.url, quick);
  try {
    server.next({ kind: 'status', status: 503 }, { kind: 'drop', after: 5000 });
    assert.deepEqual(await src.readAll(1 << 20), data);
    assert.equal(src.stats.retries, 2);
    await assert.rejects(src.readAll(1000), (e: DeltasyncError) => e.code === 'EFORMAT' && /more than the 1000 allowed/.test(e.message));
  } finally {
    await src.close();
  }
});

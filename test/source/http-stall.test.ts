import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltasyncError } from '../../src/errors/errors.js';
import { assertRanges, fetchAll } from '../helpers/fault-server.js';
import { useFaultServer } from '../helpers/fault-fixture.js';

const { data, ranges, server, withSource } = useFaultServer();

test('a stall past the idle timeout is retried, resuming the range', async () => {
  await withSource({ idleTimeout: 300 }, async (src) => {
    server.next({ kind: 'stall', after: 1000 });
    const one = [{ offset: 40_000, length: 30_000 }];
    const started = performance.now();
    assertRanges(await fetchAll(src, one), one, data);
    assert.ok(performance.now() - started >= 250, 'waited for the idle timeout');
    assert.equal(src.stats.retries, 1);
    assert.equal(server.requests.at(-1)?.headers.range, 'bytes=41000-69999');
  });
});

test('stalls on every try, before any byte of the range: an ENETWORK error naming the range', async () => {
  await withSource({ idleTimeout: 200, retries: 1 }, async (src) => {
    server.always({ kind: 'stall', after: 0 });
    try {
      await assert.rejects(fetchAll(src, ranges.slice(0, 1)), (e: DeltasyncError) => e.code === 'ENETWORK' && e.message.includes('bytes ') && /timeout/i.test(e.message));
    } finally {
      server.always(undefined);
    }
  });
});

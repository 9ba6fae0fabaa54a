import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertRanges, fetchAll } from '../helpers/fault-server.js';
import { useFaultServer } from '../helpers/fault-fixture.js';

const { data, ranges, server, withSource } = useFaultServer();

test('one part for a multi-range request: the rest is asked one range at a time', async () => {
  const warnings: string[] = [];
  await withSource({ onWarning: (m) => warnings.push(m), maxRangesPerRequest: 4 }, async (src) => {
    server.always({ kind: 'first-part-only' });
    try {
      const before = server.requests.length;
      assertRanges(await fetchAll(src, ranges), ranges, data);
      const asked = server.requests.slice(before).map((r) => r.headers.range?.split(',').length);
      assert.deepEqual(asked, [4, 1, 1, 1]);
      assert.equal(src.stats.retries, 0, 'adapting is not a retry');
    } finally {
      server.always(undefined);
    }
  });
  assert.match(warnings.join('\n'), /at most 1 range per request/);
});

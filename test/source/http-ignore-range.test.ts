import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertRanges, fetchAll } from '../helpers/fault-server.js';
import { useFaultServer } from '../helpers/fault-fixture.js';

const { data, ranges, server, withSource } = useFaultServer();

test('a server that answers a range with 200 and the whole file: the ranges are taken from it, with a warning', async () => {
  const warnings: string[] = [];
  await withSource({ onWarning: (m) => warnings.push(m), maxRangesPerRequest: 1 }, async (src) => {
    server.always({ kind: 'ignore-range' });
    try {
      const asked = [...ranges, { offset: 10, length: 10 }]; // the last one is behind: the file is read again
      assertRanges(await fetchAll(src, asked), asked, data);
    } finally {
      server.always(undefined);
    }
  });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /ignores Range/);
});

test('200 for a multi-range request: fewer ranges per request, remembered for the transfer', async () => {
  const warnings: string[] = [];
  await withSource({ onWarning: (m) => warnings.push(m), maxRangesPerRequest: 4 }, async (src) => {
    server.next({ kind: 'ignore-range' });
    const before = server.requests.length;
    assertRanges(await fetchAll(src, ranges), ranges, data);
    const asked = server.requests.slice(before).map((r) => r.headers.range?.split(',').length);
    assert.deepEqual(asked, [4, 2, 2], 'halved after the 200, and kept halved');
    assertRanges(await fetchAll(src, ranges), ranges, data);
    assert.deepEqual(server.requests.slice(before + 3).map((r) => r.headers.range?.split(',').length), [2, 2]);
  });
  assert.match(warnings.join('\n'), /at most 2 ranges per request/);
});

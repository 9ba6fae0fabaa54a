import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DeltasyncError } from '../../src/errors/errors.js';
import { type HttpSourceOptions, httpSource } from '../../src/source/http-source.js';
import { assertRanges, type FaultServer, faultServer, fetchAll } from '../helpers/fault-server.js';
import { seededBytes } from '../helpers/random.js';

const data = seededBytes(21, 200_000);
let server: FaultServer;
before(async () => {
  server = await faultServer(data);
});
after(() => server.close());

const ranges = [
  { offset: 1000, length: 5000 },
  { offset: 40_000, length: 30_000 },
  { offset: 120_000, length: 8192 },
  { offset: 190_000, length: 10_000 },
];
const quick: HttpSourceOptions = { retryDelay: 5, maxRetryDelay: 2000, coalesceGap: 0, connections: 1 };

/** Runs `body` with a prepared source, closed afterwards. */
async function withSource(options: HttpSourceOptions, body: (src: ReturnType<typeof httpSource>) => Promise<void>, url = server.url): Promise<void> {
  const src = httpSource(url, { ...quick, ...options });
  try {
    await src.prepare({ size: data.length });
    await body(src);
  } finally {
    await src.close();
  }
}
void [DeltasyncError, assertRanges, fetchAll];

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

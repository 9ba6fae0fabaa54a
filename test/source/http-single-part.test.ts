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

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

test('a content-encoded answer is refused with EUNSUPPORTED, naming the encoding', async () => {
  await withSource({}, async (src) => {
    server.next({ kind: 'encoded' });
    await assert.rejects(fetchAll(src, ranges.slice(0, 1)), (e: DeltasyncError) => e.code === 'EUNSUPPORTED' && e.message.includes('gzip'));
    assert.equal(server.requests.at(-1)?.headers['accept-encoding'], 'identity');
  });
});

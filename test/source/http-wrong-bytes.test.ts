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
import { buildIndex } from '../../src/index/build.js';
import { patchFile } from '../../src/patch/patch.js';
import { tempDir } from '../helpers/temp-dir.js';
import { readFile } from 'node:fs/promises';

test('wrong bytes are passed on as sent: the patch fails verification naming the URL, and the local file is untouched', async () => {
  const t = await tempDir();
  try {
    const refPath = await t.write('ref.bin', data);
    const local = data.slice();
    local.fill(7, 50_000, 52_000);
    const localPath = await t.write('local.bin', local);
    const index = await buildIndex(refPath, { blockSize: 4096 });
    server.always({ kind: 'wrong-bytes' });
    const src = httpSource(server.url, quick);
    try {
      await assert.rejects(patchFile({ local: localPath, index, source: src, output: localPath }), (e: DeltasyncError) =>
        e.code === 'EMISMATCH' && e.message.includes(server.url));
    } finally {
      server.always(undefined);
      await src.close();
    }
    assert.equal(Buffer.compare(await readFile(localPath), local), 0, 'local file unchanged');
  } finally {
    await t.done();
  }
});

test('wrong bytes inside multipart parts are returned as sent, framing intact', async () => {
  await withSource({ maxRangesPerRequest: 4 }, async (src) => {
    server.next({ kind: 'wrong-bytes' });
    const got = await fetchAll(src, ranges);
    ranges.forEach((r, i) => assert.deepEqual(got[i], data.subarray(r.offset, r.offset + r.length).map((b) => b ^ 0xff)));
  });
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildIndex } from '../../src/index/build.js';
import { patchFile } from '../../src/patch/patch.js';
import { startStaticServer, type StaticServer } from '../../src/serve/static-server.js';
import { httpSource } from '../../src/source/http-source.js';
import { assertRanges, fetchAll } from '../helpers/fault-server.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';
import { readFile } from 'node:fs/promises';

const data = seededBytes(11, 1_000_000);
let t: TempDir;
let server: StaticServer;
before(async () => {
  t = await tempDir();
  await t.write('ref.bin', data);
  server = await startStaticServer({ root: t.dir });
});
after(async () => {
  await server.close();
  await t.done();
});

const ranges = [
  { offset: 500_000, length: 10 },
  { offset: 0, length: 1 },
  { offset: 999_999, length: 1 },
  { offset: 1234, length: 0 },
  { offset: 8192, length: 8192 },
  { offset: 8192, length: 8192 },
  { offset: 16_400, length: 100 },
  { offset: 0, length: 1_000_000 },
  { offset: 1_000_000, length: 0 },
  ...Array.from({ length: 100 }, (_, i) => ({ offset: 300_000 + i * 5000, length: 1000 + i })),
];

/** 50 ranges of 4 KiB, 19,000 bytes apart: 200 KiB, nothing to join. */
const scattered = Array.from({ length: 50 }, (_, i) => ({ offset: 7 + i * 19_000, length: 4096 }));

/** Fetches `wanted` from `src`, checks the bytes, and returns the requests it took. */
async function requestsFor(src: ReturnType<typeof httpSource>, wanted: { offset: number; length: number }[]): Promise<number> {
  const before = src.stats.requests;
  assertRanges(await fetchAll(src, wanted), wanted, data);
  return src.stats.requests - before;
}

test('ranges that fit in one round of requests all go out in it: 50 scattered ranges on 8 connections are 8 requests', async () => {
  const src = httpSource(`${server.url}ref.bin`, { connections: 8, minRequestBytes: 0 });
  try {
    await src.prepare({ size: data.length });
    assert.equal(await requestsFor(src, scattered), 8, JSON.stringify(src.stats));
    assert.equal(src.stats.ranges, 50);
  } finally {
    await src.close();
  }
});

test('a small fetch is not split over more requests than it is worth: 200 KiB in 50 ranges are 1 request, 400 KiB in 100 ranges 2 (64 ranges at most each), 768 KiB 3', async () => {
  const src = httpSource(`${server.url}ref.bin`, { connections: 8 });
  try {
    await src.prepare({ size: data.length });
    assert.equal(await requestsFor(src, scattered), 1);
    assert.equal(await requestsFor(src, Array.from({ length: 100 }, (_, i) => ({ offset: 7 + i * 9_500, length: 4096 }))), 2);
    // Three times the threshold: three requests at once, a third of the bytes each.
    assert.equal(await requestsFor(src, Array.from({ length: 12 }, (_, i) => ({ offset: 11 + i * 80_000, length: 64 * 1024 }))), 3);
  } finally {
    await src.close();
  }
});

test('httpSource against deltasync serve: exact bytes of each range, in the order asked', async () => {
  const src = httpSource(`${server.url}ref.bin`, { connections: 4 });
  try {
    await src.prepare({ size: data.length });
    assertRanges(await fetchAll(src, ranges), ranges, data);
    const s = src.stats;
    assert.ok(s.requests >= 2 && s.requests < ranges.length, `${s.requests} requests for ${ranges.length} ranges (some joined, several per request)`);
    assert.equal(s.retries, 0);
    assert.ok(s.wireBytes > s.bodyBytes && s.bodyBytes >= 1_000_000, JSON.stringify(s));
  } finally {
    await src.close();
  }
});

test('one range per request and no joining still gives the exact bytes', async () => {
  const src = httpSource(`${server.url}ref.bin`, { maxRangesPerRequest: 1, coalesceGap: 0, connections: 2, readAhead: 4096 });
  try {
    await src.prepare({ size: data.length });
    assertRanges(await fetchAll(src, ranges), ranges, data);
  } finally {
    await src.close();
  }
});

test('prepare refuses a reference of another size, or another version, naming the URL', async () => {
  const src = httpSource(`${server.url}ref.bin`);
  try {
    await assert.rejects(src.prepare({ size: 999 }), (e: Error & { code?: string }) => e.code === 'ECHANGED' && e.message.includes(`${server.url}ref.bin`) && e.message.includes('1000000 bytes'));
    await assert.rejects(src.prepare({ size: data.length, validator: '"not-this-one"' }), { code: 'ECHANGED' });
  } finally {
    await src.close();
  }
});

test('a missing file is an EHTTP error naming the URL and 404', async () => {
  const src = httpSource(`${server.url}nope.bin`);
  try {
    await assert.rejects(src.prepare({ size: 1 }), (e: Error & { code?: string }) => e.code === 'EHTTP' && /nope\.bin.*404/.test(e.message));
  } finally {
    await src.close();
  }
});

test('patchFile over HTTP writes the exact reference from an edited local copy', async () => {
  const local = data.slice();
  for (let i = 0; i < 20; i++) local.fill(i, i * 47_000 + 100, i * 47_000 + 2100);
  const localPath = await t.write('local.bin', local);
  const index = await buildIndex(t.path('ref.bin'), { blockSize: 4096 });
  const src = httpSource(`${server.url}ref.bin`);
  try {
    const stats = await patchFile({ local: localPath, index, source: src, output: t.path('out.bin') });
    assert.ok(stats.fetchedBytes > 0 && stats.fetchedBytes < 200_000);
    assert.equal(Buffer.compare(await readFile(t.path('out.bin')), data), 0);
    assert.ok(src.stats.requests < stats.fetchRanges + 2, JSON.stringify(src.stats));
  } finally {
    await src.close();
  }
});

test('an aborted fetch throws the signal reason and leaves the source usable', async () => {
  // One request a range, so that the second is still coming when the first is taken.
  const src = httpSource(`${server.url}ref.bin`, { minRequestBytes: 0 });
  try {
    const ctl = new AbortController();
    const reason = new Error('stop');
    const it = src.fetch([{ offset: 0, length: 1000 }, { offset: 500_000, length: 400_000 }], { signal: ctl.signal })[Symbol.asyncIterator]();
    assert.equal((await it.next()).value?.length, 1000);
    ctl.abort(reason);
    await assert.rejects(it.next(), (e) => e === reason);
    assertRanges(await fetchAll(src, ranges.slice(0, 5)), ranges.slice(0, 5), data);
  } finally {
    await src.close();
  }
});

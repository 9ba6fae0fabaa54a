import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { startStaticServer, type StaticServer } from '../../src/serve/static-server.js';
import { httpSource } from '../../src/source/http-source.js';
import { assertRanges, fetchAll } from '../helpers/fault-server.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

const data = seededBytes(61, 300_000);
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

test('property: any range lists, any tuning, come back as the file bytes', async () => {
  const range = fc.integer({ min: 0, max: data.length }).chain((offset) =>
    fc.integer({ min: 0, max: Math.min(50_000, data.length - offset) }).map((length) => ({ offset, length })),
  );
  const tuning = fc.record({
    connections: fc.integer({ min: 1, max: 4 }),
    coalesceGap: fc.integer({ min: 0, max: 20_000 }),
    maxRangesPerRequest: fc.integer({ min: 1, max: 40 }),
    maxRequestBytes: fc.integer({ min: 1, max: 200_000 }),
    readAhead: fc.integer({ min: 1, max: 300_000 }),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(range, { maxLength: 60 }), fc.boolean(), tuning, async (ranges, sorted, options) => {
      const asked = sorted ? [...ranges].sort((a, b) => a.offset - b.offset) : ranges;
      const src = httpSource(`${server.url}ref.bin`, options);
      try {
        await src.prepare({ size: data.length });
        assertRanges(await fetchAll(src, asked), asked, data);
        assert.equal(src.stats.retries, 0);
      } finally {
        await src.close();
      }
    }),
    { numRuns: 60 },
  );
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertFileBytes, assertOk, oneJson, runCli, type Served, serveStatic } from '../helpers/cli-run.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

// `-i FILE` (repeatable, as zsync -i): blocks are reused from every seed, not only the local file.
// The reference is A + B + C; the local file holds A, a second seed holds B (at an odd offset),
// nothing holds C: only C is fetched.
const SEG = 131_072; // 16 blocks of 8192, 64 of 2048
const A = seededBytes(1501, SEG);
const B = seededBytes(1502, SEG);
const C = seededBytes(1503, 40_000);
const ref = Buffer.concat([A, B, C]);
const local = Buffer.concat([A, seededBytes(1504, 70_000)]);
const seed = Buffer.concat([seededBytes(1505, 1001), B, seededBytes(1506, 5000)]);

let t: TempDir;
let server: Served;
before(async () => {
  t = await tempDir('deltasync-zsync-seeds-');
  await t.write('ref.bin', ref);
  await t.write('local', local);
  await t.write('seed', seed);
  assertOk(await runCli(['build', t.path('ref.bin'), '-o', t.path('ref.bin.gosync')]));
  assertOk(await runCli(['build', t.path('ref.bin'), '-o', t.path('ref.zsync'), '-b', '2048', '-u', 'ref.bin']));
  server = await serveStatic(t.dir);
});
after(async () => {
  await server?.close();
  await t?.done();
});

async function patch(index: string, out: string, extra: string[]) {
  const r = await runCli(['--json', 'patch', t.path('local'), `${server.url}${index}`, '-o', t.path(out), ...extra]);
  assertOk(r);
  await assertFileBytes(t.path(out), ref);
  return oneJson(r.stdout);
}

for (const index of ['ref.bin.gosync', 'ref.zsync']) {
  test(
    `${index}: blocks only in a second seed (-i) are reused, and only the rest is fetched`,
    async () => {
      const alone = await patch(index, `out-alone-${index}`, []);
      assert.deepEqual(alone.seeds, [t.path('local')]);
      assert.equal(alone.reusedBytes, SEG);
      assert.equal(alone.fetchedBytes, SEG + 40_000);
      assert.equal(alone.http.bodyBytes, SEG + 40_000);

      const both = await patch(index, `out-seeds-${index}`, ['-i', t.path('seed')]);
      assert.deepEqual(both.seeds, [t.path('local'), t.path('seed')]);
      assert.equal(both.reusedBytes, 2 * SEG, 'A from the local file, B from the seed');
      assert.equal(both.fetchedBytes, 40_000, 'only C is fetched');
      assert.equal(both.fetchRegions, 1);
      assert.equal(both.http.bodyBytes, 40_000);
      await assertFileBytes(t.path('local'), local);
      await assertFileBytes(t.path('seed'), seed);
    },
  );
}

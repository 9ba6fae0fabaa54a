import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { assertFileBytes, assertOk, oneJson, patchText, runCli, type Served, serveNginx, serveStatic, withEdits } from '../helpers/cli-run.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

// `deltasync patch <local> http://host/ref.bin.gosync`: no reference given and none in the
// (go-sync) index, so the reference is the index URL without `.gosync`.
const ref = seededBytes(1101, 300_001);
// Two 16-byte edits, in blocks 12 and 24 of 8192 bytes: those two blocks are fetched.
const old = withEdits(ref, [100_000, 200_000]);
const expected = { fileSize: 300_001, reusedBytes: 300_001 - 2 * 8192, fetchedBytes: 2 * 8192, fetchRegions: 2, fetchRanges: 2, refetchedRanges: 0 };

let t: TempDir;
before(async () => {
  t = await tempDir('deltasync-http-two-arg-');
  await mkdir(t.path('www'));
  await t.write('www/ref.bin', ref);
  assertOk(await runCli(['build', t.path('www/ref.bin'), '-o', t.path('www/ref.bin.gosync')]));
  await t.write('old', old);
});
after(() => t?.done());

async function twoArgumentPatch(server: Served, name: string): Promise<void> {
  const indexUrl = `${server.url}ref.bin.gosync`;
  const refUrl = `${server.url}ref.bin`;
  const out = t.path(`out-${name}`);
  const text = await runCli(['patch', t.path('old'), indexUrl, '-o', out]);
  assertOk(text);
  assert.match(text.stdout, patchText(expected, t.path('old'), refUrl, out));
  await assertFileBytes(out, ref);

  const outJson = t.path(`out-${name}-json`);
  const r = await runCli(['--json', 'patch', t.path('old'), indexUrl, '-o', outJson]);
  assertOk(r);
  const j = oneJson(r.stdout);
  assert.equal(j.index, indexUrl);
  assert.equal(j.reference, refUrl, 'the reference is the index URL without .gosync');
  assert.equal(j.output, outJson);
  assert.deepEqual(j.seeds, [t.path('old')]);
  for (const [k, v] of Object.entries(expected)) assert.equal(j[k], v, k);
  assert.equal(j.scan.matchedBlocks, 35);
  assert.equal(j.http.bodyBytes, 2 * 8192, 'exactly the two missing blocks came over HTTP');
  assert.equal(j.http.ranges, 2);
  assert.equal(j.http.retries, 0);
  assert.ok(j.http.requests >= 1 && j.http.requests <= 3, `requests: ${j.http.requests}`);
  assert.ok(j.http.wireBytes > j.http.bodyBytes);
  await assertFileBytes(outJson, ref);
  await assertFileBytes(t.path('old'), old);
}

test("two-argument patch against deltasync's static server: the reference is the index URL without .gosync", async () => {
  const server = await serveStatic(t.path('www'));
  try {
    await twoArgumentPatch(server, 'static');
  } finally {
    await server.close();
  }
});

test('two-argument patch against nginx: the reference is the index URL without .gosync', async (ctx) => {
  const server = await serveNginx(ctx, t.path('www'));
  if (!server) return;
  try {
    await twoArgumentPatch(server, 'nginx');
  } finally {
    await server.close();
  }
});

test('two-argument patch in place (no output): the local file becomes the reference', async () => {
  const server = await serveStatic(t.path('www'));
  try {
    const local = await t.write('in-place', old);
    const r = await runCli(['patch', local, `${server.url}ref.bin.gosync`]);
    assertOk(r);
    assert.match(r.stdout, patchText(expected, local, `${server.url}ref.bin`, local));
    await assertFileBytes(local, ref);
  } finally {
    await server.close();
  }
});

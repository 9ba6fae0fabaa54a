import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { assertFileBytes, assertOk, oneJson, patchText, runCli, serveStatic, withEdits } from '../helpers/cli-run.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

// A deltasync index built with `-u URL` names its reference; a relative URL is resolved against
// the index's own location (its URL, or its path).
const ref = seededBytes(1201, 200_000);
// One 16-byte edit in block 6 of 8192 bytes.
const old = withEdits(ref, [50_000]);
const expected = { fileSize: 200_000, reusedBytes: 200_000 - 8192, fetchedBytes: 8192, fetchRegions: 1, fetchRanges: 1 };

let t: TempDir;
before(async () => {
  t = await tempDir('deltasync-http-index-url-');
  for (const d of ['www/releases/v2', 'www/index', 'data', 'idx', 'work']) await mkdir(t.path(d), { recursive: true });
  await t.write('www/releases/v2/ref.bin', ref);
  await t.write('data/ref.bin', ref);
  await t.write('work/old', old);
  // Named like an index of `other.bin`, which does not exist: the URL in it wins.
  const built = await runCli(['--json', 'build', t.path('www/releases/v2/ref.bin'), '-o', t.path('www/index/other.bin.gosync'), '-u', '../releases/v2/ref.bin']);
  assertOk(built);
  const b = oneJson(built.stdout);
  assert.equal(b.format, 'deltasync', '-u writes the deltasync format');
  assert.deepEqual(b.urls, ['../releases/v2/ref.bin']);
  assertOk(await runCli(['build', 'data/ref.bin', '-o', 'idx/ref.gosync', '-u', '../data/ref.bin'], { cwd: t.dir }));
});
after(() => t?.done());

test('an index fetched by URL with a relative -u URL: the reference is that URL resolved against the index URL', async () => {
  const server = await serveStatic(t.path('www'));
  try {
    const indexUrl = `${server.url}index/other.bin.gosync`;
    const refUrl = `${server.url}releases/v2/ref.bin`;
    const out = t.path('work/out-text');
    const text = await runCli(['patch', t.path('work/old'), indexUrl, '-o', out]);
    assertOk(text);
    assert.match(text.stdout, patchText(expected, t.path('work/old'), refUrl, out));
    await assertFileBytes(out, ref);

    const r = await runCli(['--json', 'patch', t.path('work/old'), indexUrl, '-o', t.path('work/out-json')]);
    assertOk(r);
    const j = oneJson(r.stdout);
    assert.equal(j.index, indexUrl);
    assert.equal(j.reference, refUrl);
    for (const [k, v] of Object.entries(expected)) assert.equal(j[k], v, k);
    assert.equal(j.http.bodyBytes, 8192);
    assert.equal(j.http.ranges, 1);
    await assertFileBytes(t.path('work/out-json'), ref);
    await assertFileBytes(t.path('work/old'), old);
  } finally {
    await server.close();
  }
});

test('a local index given by a relative path, naming its reference by a relative path: resolved against the index folder', async () => {
  // From `work/`, the index is `../idx/ref.gosync` and its URL `../data/ref.bin` means <dir>/data/ref.bin.
  const r = await runCli(['--json', 'patch', 'old', '../idx/ref.gosync', '-o', 'out-local'], { cwd: t.path('work') });
  assertOk(r);
  const j = oneJson(r.stdout);
  assert.equal(j.index, '../idx/ref.gosync');
  assert.equal(j.reference, t.path('data/ref.bin'));
  assert.equal(j.http, null, 'no HTTP involved');
  for (const [k, v] of Object.entries(expected)) assert.equal(j[k], v, k);
  await assertFileBytes(t.path('work/out-local'), ref);

  const text = await runCli(['patch', 'old', '../idx/ref.gosync', '-o', 'out-local-text'], { cwd: t.path('work') });
  assertOk(text);
  assert.match(text.stdout, patchText(expected, 'old', t.path('data/ref.bin'), 'out-local-text'));
  await assertFileBytes(t.path('work/out-local-text'), ref);
  await assertFileBytes(t.path('work/old'), old);
});

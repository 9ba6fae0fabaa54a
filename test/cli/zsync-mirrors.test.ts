import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { assertFileBytes, assertOk, oneJson, runCli, type Served, serveStatic, withEdits } from '../helpers/cli-run.js';
import { freePort } from '../helpers/nginx.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

// A zsync control file lists mirrors (`deltasync build ref -o ref.zsync -u URL1 -u URL2`); when
// the first is dead the patch goes on with the next.
const ref = seededBytes(1401, 300_001);
const old = withEdits(ref, [100_000, 200_000]);

let t: TempDir;
let server: Served;
before(async () => {
  t = await tempDir('deltasync-zsync-mirrors-');
  await mkdir(t.path('www'));
  await t.write('www/ref.bin', ref);
  await t.write('old', old);
  server = await serveStatic(t.path('www'));
});
after(async () => {
  await server?.close();
  await t?.done();
});

/** Builds `www/<name>` listing `urls`, checks the header lists them in order, and patches `old` with it over HTTP. */
async function patchWithMirrors(name: string, urls: string[], timeoutMs = 60_000) {
  const built = await runCli(['--json', 'build', t.path('www/ref.bin'), '-o', t.path(`www/${name}`), ...urls.flatMap((u) => ['-u', u])]);
  assertOk(built);
  assert.equal(oneJson(built.stdout).format, 'zsync');
  const out = t.path(`out-${name}`);
  const r = await runCli(['--json', 'patch', t.path('old'), `${server.url}${name}`, '-o', out], { timeoutMs });
  assertOk(r);
  await assertFileBytes(out, ref);
  await assertFileBytes(t.path('old'), old);
  return oneJson(r.stdout);
}

test('the first URL answers 404, the second works: the patch succeeds from the second', async () => {
  const j = await patchWithMirrors('404.zsync', [`${server.url}gone.bin`, 'ref.bin']);
  assert.equal(j.fileSize, 300_001);
  assert.equal(j.reusedBytes + j.fetchedBytes, 300_001);
  assert.equal(j.refetchedRanges, 0);
});

test('the first URL is a refused port, the second works: the patch succeeds from the second', async () => {
  const dead = `http://127.0.0.1:${await freePort()}/ref.bin`;
  const started = Date.now();
  const j = await patchWithMirrors('refused.zsync', [dead, `${server.url}ref.bin`]);
  assert.equal(j.reusedBytes + j.fetchedBytes, 300_001);
  assert.ok(Date.now() - started < 10_000, 'a refused connection passes to the next mirror at once, without retries');
});

test(
  'with a dead first mirror, --json names the mirror that served and its HTTP counters',
  async () => {
    const j = await patchWithMirrors('404-json.zsync', [`${server.url}gone.bin`, `${server.url}ref.bin`]);
    assert.equal(j.reference, `${server.url}ref.bin`);
    assert.equal(j.http.bodyBytes, j.fetchedBytes);
  },
);

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { assertFileBytes, assertOk, oneJson, runCli, withEdits } from '../helpers/cli-run.js';
import { type FaultServer, faultServer } from '../helpers/fault-server.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

// `-H 'Name: value'` goes with every request to the origin named; Authorization never follows a
// redirect to another origin.
const ref = seededBytes(1901, 200_000);
const old = withEdits(ref, [30_000, 150_000]);

let t: TempDir;
let home: FaultServer;
let other: FaultServer;
let indexServer: FaultServer;
before(async () => {
  t = await tempDir('deltasync-http-headers-');
  await t.write('ref.bin', ref);
  await t.write('old', old);
  assertOk(await runCli(['build', t.path('ref.bin'), '-o', t.path('ref.gosync')]));
  home = await faultServer(ref);
  other = await faultServer(ref);
  indexServer = await faultServer(await readFile(t.path('ref.gosync')));
});
after(async () => {
  await home?.close();
  await other?.close();
  await indexServer?.close();
  await t?.done();
});

test("-H 'Authorization: Bearer x' (and another header) reach the server with every request, for the index and the reference", async () => {
  home.requests.length = 0;
  indexServer.requests.length = 0;
  const r = await runCli(['--json', 'patch', t.path('old'), `${indexServer.origin}/ref.gosync`, home.url, '-o', t.path('out'), '-H', 'Authorization: Bearer x', '-H', 'X-Token: abc']);
  assertOk(r);
  await assertFileBytes(t.path('out'), ref);
  const j = oneJson(r.stdout);
  assert.equal(j.fetchedBytes, 2 * 8192);
  assert.ok(indexServer.requests.length >= 1);
  assert.ok(home.requests.some((q) => q.method === 'GET'), 'ranges were fetched');
  for (const q of [...indexServer.requests, ...home.requests]) {
    assert.equal(q.headers.authorization, 'Bearer x', `${q.method} ${q.path}`);
    assert.equal(q.headers['x-token'], 'abc', `${q.method} ${q.path}`);
  }
});

test('after a redirect to another origin, Authorization does not arrive there (other headers do); the patch succeeds', async () => {
  home.requests.length = 0;
  other.requests.length = 0;
  home.always({ kind: 'redirect', to: other.url });
  try {
    const r = await runCli(['--json', 'patch', t.path('old'), t.path('ref.gosync'), home.url, '-o', t.path('out-redirect'), '-H', 'Authorization: Bearer x', '-H', 'X-Token: abc']);
    assertOk(r);
    await assertFileBytes(t.path('out-redirect'), ref);
    const j = oneJson(r.stdout);
    assert.equal(j.fetchedBytes, 2 * 8192);
    assert.ok(j.http.redirects >= 1);
  } finally {
    home.always(undefined);
  }
  assert.ok(home.requests.length >= 1 && home.requests.every((q) => q.headers.authorization === 'Bearer x'), 'the origin named gets it');
  assert.ok(other.requests.some((q) => q.method === 'GET'), 'the ranges came from the other origin');
  for (const q of other.requests) {
    assert.equal(q.headers.authorization, undefined, `${q.method} ${q.path} carried Authorization to another origin`);
    assert.equal(q.headers['x-token'], 'abc');
  }
  await assertFileBytes(t.path('old'), old);
});

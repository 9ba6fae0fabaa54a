import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { assertFileBytes, assertOk, type CliRun, oneJson, runCli, type Served, serveStatic } from '../helpers/cli-run.js';
import { freePort } from '../helpers/nginx.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

// With --json a failure is one JSON object on stdout, { error: { code, message, file } }, nothing
// on stderr; exit 1 for a failure, 2 for wrong usage.
const ref = seededBytes(1801, 40_000);
const old = seededBytes(1802, 40_000);

let t: TempDir;
let server: Served;
before(async () => {
  t = await tempDir('deltasync-json-errors-');
  await t.write('ref.bin', ref);
  await t.write('old', old);
  await t.write('bad.gosync', Buffer.from('this is not an index at all\n'));
  assertOk(await runCli(['build', t.path('ref.bin'), '-o', t.path('ref.bin.gosync')]));
  server = await serveStatic(t.dir);
});
after(async () => {
  await server?.close();
  await t?.done();
});

function jsonError(r: CliRun, exit: number) {
  assert.equal(r.code, exit, `exit code; stdout: ${r.stdout} stderr: ${r.stderr}`);
  assert.equal(r.stderr, '', 'nothing on stderr');
  const j = oneJson(r.stdout);
  assert.deepEqual(Object.keys(j), ['error']);
  assert.deepEqual(Object.keys(j.error), ['code', 'message', 'file']);
  assert.ok(!j.error.message.includes('\n'), 'a one-line message');
  return j.error;
}

async function untouched(): Promise<void> {
  assert.deepEqual((await readdir(t.dir)).sort(), ['bad.gosync', 'old', 'ref.bin', 'ref.bin.gosync']);
  await assertFileBytes(t.path('old'), old);
}

test('a missing index (path): exit 1, ENOENT naming the index', async () => {
  const missing = t.path('missing.gosync');
  assert.deepEqual(jsonError(await runCli(['--json', 'patch', t.path('old'), missing]), 1), {
    code: 'ENOENT',
    message: `cannot read index ${missing}: no such file or directory`,
    file: missing,
  });
  assert.deepEqual(jsonError(await runCli(['--json', 'diff', t.path('old'), missing]), 1), {
    code: 'ENOENT',
    message: `cannot read index ${missing}: no such file or directory`,
    file: missing,
  });
  await untouched();
});

test('a missing index (URL, 404): exit 1, EHTTP naming the URL', async () => {
  const url = `${server.url}missing.gosync`;
  const e = jsonError(await runCli(['--json', 'patch', t.path('old'), url, '-o', t.path('out')]), 1);
  assert.equal(e.code, 'EHTTP');
  assert.equal(e.file, url);
  assert.match(e.message, new RegExp(`^${url.replace(/[.]/g, '\\.')}: (HEAD|GET): HTTP 404 Not Found$`));
  await untouched();
});

test('a bad index (path and URL): exit 1, EFORMAT naming it', async () => {
  const bad = t.path('bad.gosync');
  const e = jsonError(await runCli(['--json', 'patch', t.path('old'), bad, t.path('ref.bin'), '-o', t.path('out')]), 1);
  assert.equal(e.code, 'EFORMAT');
  assert.equal(e.file, bad);
  assert.ok(e.message.startsWith(`${bad}: not a go-sync, deltasync or zsync index`), e.message);
  const url = `${server.url}bad.gosync`;
  const u = jsonError(await runCli(['--json', 'patch', t.path('old'), url, '-o', t.path('out')]), 1);
  assert.equal(u.code, 'EFORMAT');
  assert.equal(u.file, url);
  assert.ok(u.message.startsWith(`${url}: not a go-sync, deltasync or zsync index`), u.message);
  await untouched();
});

test('an unreachable URL (a refused port) as the reference: exit 1, ENETWORK naming the URL, at once', async () => {
  const url = `http://127.0.0.1:${await freePort()}/ref.bin`;
  const e = jsonError(await runCli(['--json', 'patch', t.path('old'), t.path('ref.bin.gosync'), url, '-o', t.path('out')], { timeoutMs: 90_000 }), 1);
  assert.equal(e.code, 'ENETWORK');
  assert.equal(e.file, url);
  assert.match(e.message, /: connect ECONNREFUSED 127\.0\.0\.1:\d+$/, 'nothing listens there: no retries');
  assert.ok(e.message.startsWith(`${url}: `));
  await untouched();
});

test('wrong usage: exit 2, EUSAGE', async () => {
  const missingArg = jsonError(await runCli(['--json', 'patch', t.path('old')]), 2);
  assert.deepEqual(missingArg, { code: 'EUSAGE', message: "missing required argument 'index'", file: null });
  const connections = jsonError(await runCli(['--json', 'patch', t.path('old'), `${server.url}ref.bin.gosync`, '--connections', '0']), 2);
  assert.deepEqual(connections, { code: 'EUSAGE', message: '--connections must be from 1 to 256.', file: null });
  const outputs = jsonError(await runCli(['--json', 'patch', t.path('old'), t.path('ref.bin.gosync'), t.path('ref.bin'), 'a', '-o', 'b']), 2);
  assert.deepEqual(outputs, { code: 'EUSAGE', message: "two outputs given: 'a' and -o 'b'.", file: null });
  const header = jsonError(await runCli(['--json', 'patch', t.path('old'), `${server.url}ref.bin.gosync`, '-o', t.path('out'), '-H', 'no colon here']), 2);
  assert.equal(header.message, 'not a header (Name: value): no colon here');
  await untouched();
});

import assert from 'node:assert/strict';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { assertFileBytes, assertOk, oneJson, runCli, serveStatic } from '../helpers/cli-run.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

// Without a reference argument and without a URL in the index, the reference is the index's
// location without `.gosync`; when nothing is there, the one-line error names what was tried.
const ref = seededBytes(1301, 50_000);
const old = seededBytes(1302, 50_000);

let t: TempDir;
before(async () => {
  t = await tempDir('deltasync-http-missing-ref-');
  await mkdir(t.path('www'));
  await t.write('ref.bin', ref);
  // The index only: `www/ref.bin` (the derived reference) does not exist.
  assertOk(await runCli(['build', t.path('ref.bin'), '-o', t.path('www/ref.bin.gosync')]));
  await t.write('old', old);
});
after(() => t?.done());

test('over HTTP: exit 1, one line naming the derived reference URL and the 404, no output, the local file untouched', async () => {
  const server = await serveStatic(t.path('www'));
  try {
    const r = await runCli(['patch', t.path('old'), `${server.url}ref.bin.gosync`, '-o', t.path('out')]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `deltasync: ${server.url}ref.bin: HEAD: HTTP 404 Not Found\n`);
    const j = await runCli(['--json', 'patch', t.path('old'), `${server.url}ref.bin.gosync`, '-o', t.path('out')]);
    assert.equal(j.code, 1);
    assert.equal(j.stderr, '');
    assert.deepEqual(oneJson(j.stdout), { error: { code: 'EHTTP', message: `${server.url}ref.bin: HEAD: HTTP 404 Not Found`, file: `${server.url}ref.bin` } });
  } finally {
    await server.close();
  }
  assert.deepEqual((await readdir(t.dir)).sort(), ['old', 'ref.bin', 'www']);
  await assertFileBytes(t.path('old'), old);
});

test('a local index: exit 1, one line naming the derived reference path', async () => {
  const r = await runCli(['patch', t.path('old'), t.path('www/ref.bin.gosync'), '-o', t.path('out')]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `deltasync: cannot read ${t.path('www/ref.bin')}: no such file or directory\n`);
  // Given relatively, it is named as the user would write it.
  const rel = await runCli(['patch', 'old', 'www/ref.bin.gosync', '-o', 'out'], { cwd: t.dir });
  assert.equal(rel.code, 1);
  assert.equal(rel.stderr, 'deltasync: cannot read www/ref.bin: no such file or directory\n');
  assert.deepEqual((await readdir(t.dir)).sort(), ['old', 'ref.bin', 'www']);
  await assertFileBytes(t.path('old'), old);
});

test('an index whose name gives no reference and holds no URL: exit 2, one line saying to give the reference', async () => {
  await t.write('www/plain.idx', await readFile(t.path('www/ref.bin.gosync')));
  const r = await runCli(['patch', t.path('old'), t.path('www/plain.idx'), '-o', t.path('out')]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `deltasync: ${t.path('www/plain.idx')} names no reference URL and does not end in .gosync or .zsync: give the reference.\n`);
});

import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { assertFileBytes, assertOk, type CliRun, oneJson, runCli, startCli } from '../helpers/cli-run.js';
import { type FaultServer, faultServer } from '../helpers/fault-server.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

// A patch over HTTP stopped by SIGINT mid-transfer keeps what it wrote in <output>.part; the
// next run reuses it as a seed (fetching less) and removes it on success. --no-resume neither
// writes nor reads it.
const MiB = 1024 * 1024;
const ref = seededBytes(1701, 12 * MiB);
const local = seededBytes(1702, 2 * MiB); // shares nothing with the reference: all 12 MiB are fetched

let t: TempDir;
let server: FaultServer;
before(async () => {
  t = await tempDir('deltasync-resume-');
  await t.write('ref.bin', ref);
  await t.write('local', local);
  assertOk(await runCli(['build', t.path('ref.bin'), '-o', t.path('ref.gosync')]));
  server = await faultServer(ref);
});
after(async () => {
  await server?.close();
  await t?.done();
});

const gets = () => server.requests.filter((r) => r.method === 'GET').length;
const temps = async () => (await readdir(t.dir)).filter((n) => n.endsWith('.deltasync-tmp'));

async function until(what: string, ok: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Starts a patch over one connection whose third GET stalls (after two whole 4 MiB answers),
 * waits until the two are written to the temporary output, and sends SIGINT.
 */
async function interrupted(out: string, extra: string[]): Promise<CliRun> {
  server.requests.length = 0;
  server.next({ kind: 'normal' }, { kind: 'normal' }, { kind: 'stall' });
  const run = startCli(['--json', 'patch', t.path('local'), t.path('ref.gosync'), server.url, '-o', out, '--connections', '1', ...extra]);
  try {
    await until('the third GET', () => gets() >= 3);
    await until('8 MiB written', async () => {
      for (const n of await temps()) if (((await stat(t.path(n)).catch(() => undefined))?.size ?? 0) >= 8 * MiB) return true;
      return false;
    });
  } catch (err) {
    run.child.kill('SIGKILL');
    throw err;
  }
  run.child.kill('SIGINT');
  const r = await run.done;
  server.always(undefined);
  return r;
}

test('SIGINT mid-transfer: exit 130, <output>.part kept, the local file untouched; the next run reuses it and removes it', async () => {
  const out = t.path('out');
  const r = await interrupted(out, []);
  assert.equal(r.code, 130, `stderr: ${r.stderr}`);
  assert.equal(r.stdout, '', 'no result on stdout');
  assert.deepEqual(await temps(), [], 'no temporary file left');
  await assert.rejects(stat(out), { code: 'ENOENT' }, 'no output');
  const part = await readFile(`${out}.part`);
  assert.ok(part.length >= 8 * MiB, `.part holds ${part.length} bytes`);
  assert.equal(Buffer.compare(part.subarray(0, 8 * MiB), ref.subarray(0, 8 * MiB)), 0, 'what was written is the reference');
  await assertFileBytes(t.path('local'), local);

  server.requests.length = 0;
  const again = await runCli(['--json', 'patch', t.path('local'), t.path('ref.gosync'), server.url, '-o', out, '--connections', '1']);
  assertOk(again);
  const j = oneJson(again.stdout);
  assert.deepEqual(j.seeds, [t.path('local'), `${out}.part`], 'the .part is a seed');
  assert.ok(j.reusedBytes >= 8 * MiB, `reused ${j.reusedBytes}`);
  assert.equal(j.reusedBytes + j.fetchedBytes, 12 * MiB);
  assert.ok(j.fetchedBytes <= 4 * MiB, `fetched ${j.fetchedBytes}`);
  assert.equal(j.http.bodyBytes, j.fetchedBytes);
  await assertFileBytes(out, ref);
  await assert.rejects(stat(`${out}.part`), { code: 'ENOENT' }, 'the .part is removed on success');
  assert.deepEqual(await temps(), []);
  await assertFileBytes(t.path('local'), local);
});

test('--no-resume: an interrupted patch leaves no .part, and an existing .part is neither read nor removed', async () => {
  const out = t.path('out-nr');
  const r = await interrupted(out, ['--no-resume']);
  assert.equal(r.code, 130, `stderr: ${r.stderr}`);
  assert.deepEqual(await temps(), []);
  await assert.rejects(stat(`${out}.part`), { code: 'ENOENT' }, 'no .part written');
  await assert.rejects(stat(out), { code: 'ENOENT' });

  // A .part from an earlier run (the first 8 MiB of the reference): not used with --no-resume.
  const part = ref.subarray(0, 8 * MiB);
  await t.write('out-nr.part', part);
  const again = await runCli(['--json', 'patch', t.path('local'), t.path('ref.gosync'), server.url, '-o', out, '--no-resume']);
  assertOk(again);
  const j = oneJson(again.stdout);
  assert.deepEqual(j.seeds, [t.path('local')]);
  assert.equal(j.reusedBytes, 0);
  assert.equal(j.fetchedBytes, 12 * MiB);
  await assertFileBytes(out, ref);
  await assertFileBytes(`${out}.part`, part);

  // Without --no-resume the same .part is read, and removed.
  const third = await runCli(['--json', 'patch', t.path('local'), t.path('ref.gosync'), server.url, '-o', t.path('out-nr'), '--connections', '2']);
  assertOk(third);
  const k = oneJson(third.stdout);
  assert.equal(k.reusedBytes, 8 * MiB);
  assert.equal(k.fetchedBytes, 4 * MiB);
  await assertFileBytes(out, ref);
  await assert.rejects(stat(`${out}.part`), { code: 'ENOENT' });
});

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { buildIndex } from '../../src/index/build.js';
import { patchFile } from '../../src/patch/patch.js';
import { concat, seededBytes } from '../helpers/random.js';
import { scriptedSource } from '../helpers/sources.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

const ref = seededBytes(51, 64 * 4096);
const old = concat(ref.subarray(0, 32 * 4096), seededBytes(52, 32 * 4096));
let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

test('an abort mid-transfer rejects with its reason, writes nothing and leaves the local file as it was', async () => {
  const refPath = await t.write('ref', ref);
  const local = await t.write('local', old);
  const index = await buildIndex(refPath, { blockSize: 4096, threads: 1 });
  const ctl = new AbortController();
  // Aborts when the fifth range is asked for.
  const src = scriptedSource('ref', ref, (n) => {
    if (n === 4) ctl.abort(new Error('stopped by the user'));
    return undefined;
  });
  await assert.rejects(
    patchFile({ local, index, source: src, output: local, signal: ctl.signal, planOptions: { maxFetch: 4096 } }),
    /stopped by the user/,
  );
  assert.ok(src.asked.length <= 6, `stopped soon: ${src.asked.length} ranges asked`);
  assert.deepEqual(await readFile(local), Buffer.from(old));
  assert.deepEqual((await readdir(t.dir)).filter((n) => n.includes('deltasync-tmp')), []);
});

test('an already aborted signal stops the patch before any work', async () => {
  const refPath = await t.write('ref2', ref);
  const index = await buildIndex(refPath, { blockSize: 4096, threads: 1 });
  const src = scriptedSource('ref', ref);
  await assert.rejects(patchFile({ local: refPath, index, source: src, output: t.path('o'), signal: AbortSignal.abort(new Error('never mind')) }), /never mind/);
  assert.equal(src.asked.length, 0);
});

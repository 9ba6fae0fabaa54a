import assert from 'node:assert/strict';
import { access, readFile, stat } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { buildIndex } from '../../src/index/build.js';
import { patchFile } from '../../src/patch/patch.js';
import { seededBytes } from '../helpers/random.js';
import { scriptedSource } from '../helpers/sources.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

const ref = seededBytes(61, 40 * 4096);
let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

const exists = (p: string) => access(p).then(() => true, () => false);

test('a failed patch keeps what it wrote as the partial file; the next run reuses it and removes it', async () => {
  const refPath = await t.write('ref', ref);
  const local = await t.write('local', new Uint8Array(0));
  const index = await buildIndex(refPath, { blockSize: 4096, threads: 1 });
  const partial = t.path('out.part');
  // The connection dies at the 25th range (no mirror): 24 ranges were written.
  const dying = scriptedSource('dying', ref, (n) => (n === 24 ? 'fail' : undefined));
  await assert.rejects(patchFile({ local, index, source: dying, output: t.path('out'), partial, planOptions: { maxFetch: 4096 } }), /connection reset/);
  assert.equal(await exists(t.path('out')), false);
  assert.equal(await exists(partial), true, 'the partial file is kept');
  const again = scriptedSource('again', ref);
  const stats = await patchFile({ local: [local, partial], index, source: again, output: t.path('out'), partial });
  assert.deepEqual(await readFile(t.path('out')), Buffer.from(ref));
  assert.equal(stats.fetchedBytes, 16 * 4096, 'only what the first run did not get');
  assert.equal(await exists(partial), false, 'removed on success');
});

test('without a partial path, or when nothing was written, nothing is kept', async () => {
  const refPath = await t.write('ref2', ref);
  const local = await t.write('local2', new Uint8Array(0));
  const index = await buildIndex(refPath, { blockSize: 4096, threads: 1 });
  await assert.rejects(patchFile({ local, index, source: scriptedSource('d', ref, () => 'fail'), output: t.path('out2'), partial: t.path('out2.part') }));
  assert.equal(await exists(t.path('out2.part')), false, 'nothing written, nothing kept');
});

test('a later run that fails sooner keeps the longer partial file from before, not its own shorter one', async () => {
  const refPath = await t.write('ref3', ref);
  const local = await t.write('local3', new Uint8Array(0));
  const index = await buildIndex(refPath, { blockSize: 4096, threads: 1 });
  const out = t.path('out3');
  const partial = t.path('out3.part');
  const planOptions = { maxFetch: 4096 };
  await assert.rejects(patchFile({ local, index, source: scriptedSource('first', ref, (n) => (n === 24 ? 'fail' : undefined)), output: out, partial, planOptions }));
  assert.equal((await stat(partial)).size, 24 * 4096);
  // Not given the partial file as a seed, this run starts from nothing and dies after 2 ranges.
  await assert.rejects(patchFile({ local, index, source: scriptedSource('second', ref, (n) => (n === 2 ? 'fail' : undefined)), output: out, partial, planOptions }));
  const kept = await readFile(partial);
  assert.equal(kept.length, 24 * 4096, 'the 24 blocks of the first run are kept');
  assert.deepEqual(kept, Buffer.from(ref.subarray(0, 24 * 4096)));
  const stats = await patchFile({ local: [local, partial], index, source: scriptedSource('third', ref), output: out, partial });
  assert.deepEqual(await readFile(out), Buffer.from(ref));
  assert.equal(stats.fetchedBytes, 16 * 4096);
});

import assert from 'node:assert/strict';
import { readFile, symlink } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { ArgumentError } from '../../src/errors/errors.js';
import { buildIndex } from '../../src/index/build.js';
import type { BlockIndex } from '../../src/index/block-index.js';
import { patchFile } from '../../src/patch/patch.js';
import { seededBytes } from '../helpers/random.js';
import { scriptedSource } from '../helpers/sources.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

const ref = seededBytes(71, 12 * 1024);
const old = seededBytes(72, 12 * 1024);
let t: TempDir;
let index: BlockIndex;
before(async () => {
  t = await tempDir();
  index = await buildIndex(await t.write('ref', ref), { blockSize: 1024, threads: 1 });
});
after(() => t.done());

test('a partial path that is the output itself is refused before any work: the output is neither deleted nor overwritten', async () => {
  const out = await t.write('out', old);
  // In place, resuming "into the output": a success would unlink the new output, a failure rename the partial result over it.
  for (const fault of [undefined, 'fail' as const]) {
    const source = scriptedSource('s', ref, (n) => (n === 3 ? fault : undefined));
    await assert.rejects(
      patchFile({ local: out, index, source, output: out, partial: t.path('.//out'), planOptions: { maxFetch: 1024 } }),
      (err: Error) => err instanceof ArgumentError && err.message.includes('partial'),
    );
    assert.deepEqual(await readFile(out), Buffer.from(old), 'the output is as it was');
    assert.equal(source.asked.length, 0, 'nothing fetched');
  }
});

test('a partial path that is the file an output link points to is refused too', async () => {
  const real = await t.write('real', old);
  await symlink(real, t.path('link'));
  await assert.rejects(
    patchFile({ local: real, index, source: scriptedSource('s', ref), output: t.path('link'), partial: real }),
    (err: Error) => err instanceof ArgumentError,
  );
  assert.deepEqual(await readFile(real), Buffer.from(old));
});

test('a partial path beside the output works as before', async () => {
  const out = await t.write('out3', old);
  await patchFile({ local: out, index, source: scriptedSource('s', ref), output: out, partial: t.path('out3.part') });
  assert.deepEqual(await readFile(out), Buffer.from(ref));
});

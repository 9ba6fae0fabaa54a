import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ArgumentError } from '../../src/errors/errors.js';
import { encodeIndex, readIndexFile, writeIndexFile } from '../../src/format/index-file.js';
import type { BlockIndex } from '../../src/index/block-index.js';
import { buildIndex } from '../../src/index/build.js';
import { scanFile } from '../../src/match/scan.js';
import { patchFile } from '../../src/patch/patch.js';
import { fileSource } from '../../src/source/file-source.js';
import type { BlockSource } from '../../src/source/block-source.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

// Public functions check their arguments before any work and say what is wrong in one line.
let t: TempDir;
let index: BlockIndex;
before(async () => {
  t = await tempDir();
  index = await buildIndex(await t.write('ref', seededBytes(1, 5000)), { blockSize: 1024, threads: 1 });
});
after(() => t.done());

const isArgumentError = (pattern: RegExp) => (err: unknown) => err instanceof ArgumentError && pattern.test(err.message) && !err.message.includes('\n');
const notAPath = 42 as unknown as string;
const notAnIndex = { blockSize: 1024 } as unknown as BlockIndex;

test('a path that is not a string', async () => {
  await assert.rejects(buildIndex(notAPath), isArgumentError(/^path must be a path \(a non-empty string\), not number$/));
  await assert.rejects(readIndexFile(''), isArgumentError(/^path must be a path .*, not an empty string$/));
  await assert.rejects(writeIndexFile(index, notAPath), isArgumentError(/^path must be a path/));
  await assert.rejects(scanFile(notAPath, index), isArgumentError(/^localPath must be a path/));
  assert.throws(() => fileSource(notAPath), isArgumentError(/^reference must be a path/));
  const source = fileSource(t.path('ref'));
  await assert.rejects(patchFile({ local: notAPath, index, source, output: t.path('out') }), isArgumentError(/^local must be a path/));
  await assert.rejects(patchFile({ local: t.path('ref'), index, source, output: '' }), isArgumentError(/^output must be a path/));
});

test('something that is not an index', async () => {
  await assert.rejects(scanFile(t.path('ref'), notAnIndex), isArgumentError(/^not an index/));
  assert.throws(() => encodeIndex(notAnIndex), isArgumentError(/^not an index/));
  // Tables that do not fit the block count, as a hand-made index might have.
  assert.throws(() => encodeIndex({ ...index, weak: new Int32Array(1) }), isArgumentError(/^not an index/));
  await assert.rejects(patchFile({ local: t.path('ref'), index: notAnIndex, source: fileSource(t.path('ref')), output: t.path('out') }), isArgumentError(/^not an index/));
});

test('an unknown index format', async () => {
  await assert.rejects(writeIndexFile(index, t.path('x.idx'), 'bogus' as 'gosync'), isArgumentError(/^index format must be one of .*\bgosync\b.*\bdeltasync\b.*, not "bogus"$/));
});

test('a patch without a block source', async () => {
  const noSource = {} as BlockSource;
  await assert.rejects(patchFile({ local: t.path('ref'), index, source: noSource, output: t.path('out') }), isArgumentError(/needs a block source/));
  const withoutPrepare = { name: 'old-style', fetch: fileSource(t.path('ref')).fetch, close: async () => {} } as unknown as BlockSource;
  await assert.rejects(patchFile({ local: t.path('ref'), index, source: withoutPrepare, output: t.path('out') }), isArgumentError(/with prepare, fetch and close/));
});

import assert from 'node:assert/strict';
import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { DeltasyncError, IndexFormatError } from '../../src/errors/errors.js';
import { decodeIndex, encodeIndex, readIndexFile, writeIndexFile } from '../../src/format/index-file.js';
import { buildIndex } from '../../src/index/build.js';
import { assertSameIndex } from '../helpers/index-compare.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';
import { GOSYNC_VECTORS } from '../helpers/vectors.js';
import { join } from 'node:path';

let t: TempDir;
let ref: string;

before(async () => {
  t = await tempDir();
  ref = await t.write('ref', seededBytes(21, 30_000));
});
after(() => t.done());

test('encodeIndex(index, "gosync") of a sha256 index throws an IndexFormatError', async () => {
  const index = await buildIndex(ref, { strongHash: 'sha256' });
  assert.throws(() => encodeIndex(index, 'gosync'), IndexFormatError);
  assert.throws(() => encodeIndex(index, 'gosync'), /go-sync format holds only full MD5/);
});

test('encodeIndex(index, "gosync") also refuses a truncated MD5 or a whole-file hash', async () => {
  const truncated = await buildIndex(ref, { strongLength: 8 });
  assert.throws(() => encodeIndex(truncated, 'gosync'), IndexFormatError);
  const withFileHash = await buildIndex(ref, { fileHash: 'sha256' });
  assert.throws(() => encodeIndex(withFileHash, 'gosync'), IndexFormatError);
});

test('writeIndexFile then readIndexFile round-trips both formats, leaving no temporary file', async () => {
  const plain = await buildIndex(ref, { blockSize: 1024 });
  await writeIndexFile(plain, t.path('ref.gosync'));
  assertSameIndex(await readIndexFile(t.path('ref.gosync')), plain);
  assert.deepEqual(new Uint8Array(await readFile(t.path('ref.gosync'))), encodeIndex(plain));

  const v1 = await buildIndex(ref, { blockSize: 1024, strongHash: 'blake3', strongLength: 12, fileHash: 'sha256' });
  await writeIndexFile(v1, t.path('ref.idx'));
  assertSameIndex(await readIndexFile(t.path('ref.idx')), v1);

  // Overwriting an existing index replaces it.
  await writeIndexFile(plain, t.path('ref.idx'), 'deltasync');
  assertSameIndex(await readIndexFile(t.path('ref.idx')), plain);
  assert.deepEqual((await readdir(t.dir)).filter((n) => n.includes('deltasync-tmp')), []);
});

test('readIndexFile of a missing file names it', async () => {
  const p = t.path('missing.gosync');
  await assert.rejects(readIndexFile(p), (err: unknown) => {
    assert.ok(err instanceof DeltasyncError);
    assert.equal(err.code, 'ENOENT');
    assert.match(err.message, /cannot read index .*missing\.gosync: no such file or directory/);
    return true;
  });
});

test('writeIndexFile into a folder that does not exist names the path', async () => {
  const p = t.path('no-such-dir/ref.gosync');
  const index = await buildIndex(ref);
  await assert.rejects(writeIndexFile(index, p), (err: unknown) => {
    assert.ok(err instanceof DeltasyncError);
    assert.ok(err.message.includes(p), err.message);
    return true;
  });
});

test('a go-sync file of another 0.x version is re-written with its own version', async () => {
  const older = await readFile(join(GOSYNC_VECTORS, 'random-20000.gosync'));
  older.writeUInt16LE(0, 10); // 0.2.0
  const again = encodeIndex(decodeIndex(older, 'older.gosync'));
  assert.deepEqual(Buffer.from(again), older);
});

test('a huge index file is judged by its header before it is read', async () => {
  // A valid header for an empty reference, then 3 GiB of (sparse) nothing.
  const header = Buffer.alloc(24);
  header.write('G0S9NC', 0, 'latin1');
  header.writeUInt16LE(2, 8);
  header.writeUInt16LE(1, 10);
  header.writeUInt32LE(8192, 20);
  const path = t.path('huge.gosync');
  await writeFile(path, header);
  await truncate(path, 3 * 2 ** 30);
  await assert.rejects(readIndexFile(path), (err: Error) => {
    assert.ok(err instanceof IndexFormatError);
    assert.match(err.message, /huge\.gosync: over-long index: 3221225448 bytes of block records, expected 0/);
    return true;
  });
});

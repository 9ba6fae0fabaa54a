import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { decodeIndex, encodeIndex } from '../../src/format/index-file.js';
import { DELTASYNC_VERSION } from '../../src/format/deltasync-v1.js';
import { buildIndex } from '../../src/index/build.js';
import { assertSameIndex, hex } from '../helpers/index-compare.js';
import { makeReference } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

let t: TempDir;
let file: string;
const data = makeReference(5, 50_001, 1024, 'repeats');

before(async () => {
  t = await tempDir();
  file = await t.write('ref.bin', data);
});
after(() => t.done());

const cases = [
  { strongHash: 'sha256', strongLength: 32, fileHash: 'sha256' },
  { strongHash: 'sha256', strongLength: 8, fileHash: 'sha256' },
  { strongHash: 'blake3', strongLength: 32, fileHash: 'sha256' },
  { strongHash: 'blake3', strongLength: 8, fileHash: 'sha256' },
  { strongHash: 'md5', strongLength: 16, fileHash: 'sha256' },
  { strongHash: 'md4', strongLength: 5, fileHash: 'blake3' },
  { strongHash: 'sha1', strongLength: 1, fileHash: 'sha256' },
  { strongHash: 'sha256', strongLength: 4, fileHash: undefined },
  { strongHash: 'md5', strongLength: 6, fileHash: undefined },
];

for (const c of cases) {
  test(`deltasync 1.0 round trip: ${c.strongHash}/${c.strongLength} bytes, file hash ${c.fileHash ?? 'none'}`, async () => {
    const index = await buildIndex(file, { blockSize: 1024, ...c });
    assert.equal(index.strongLength, c.strongLength);
    const bytes = encodeIndex(index);
    assert.equal(Buffer.from(bytes.subarray(0, 6)).toString('latin1'), 'G0S9NC');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    assert.deepEqual(
      { major: view.getUint16(6, true), minor: view.getUint16(8, true), patch: view.getUint16(10, true) },
      { ...DELTASYNC_VERSION, minor: 0 },
      'an index without a reference URL is written as 1.0.0, which every 1.x reader takes',
    );
    assert.equal(DELTASYNC_VERSION.major, 1);
    assert.equal(view.getUint32(24, true) + index.blockCount * (4 + c.strongLength), bytes.length, 'header length + records');
    const back = decodeIndex(bytes, 'mem.idx');
    assertSameIndex(back, index);
    assert.deepEqual(encodeIndex(back), bytes, 're-encoding gives the same bytes');
  });
}

test('a reference URL makes the file 1.1 and survives the round trip; a 1.0 reader skips it', async () => {
  const index = { ...(await buildIndex(file, { blockSize: 4096, fileHash: 'sha256' })), urls: ['https://example.test/ref é.bin'] };
  const bytes = encodeIndex(index);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(view.getUint16(8, true), 1, 'minor version 1');
  const back = decodeIndex(bytes, 'mem.idx');
  assert.deepEqual(back.urls, index.urls);
  assertSameIndex(back, index);
  // What a 1.0 reader does: reads the fixed fields, then jumps to the header length.
  const asOld = Uint8Array.from(bytes);
  new DataView(asOld.buffer).setUint16(8, 0, true);
  const old = decodeIndex(asOld, 'old.idx');
  assert.equal(old.urls, undefined);
  assertSameIndex(old, index);
  assert.throws(() => encodeIndex({ ...index, urls: ['a', 'b'] }), /holds one reference URL/);
});

test('the whole-file hash is the sha256 of the file and survives the round trip', async () => {
  const index = await buildIndex(file, { blockSize: 4096, strongHash: 'blake3', strongLength: 8, fileHash: 'sha256' });
  const back = decodeIndex(encodeIndex(index, 'deltasync'), 'mem.idx');
  assert.equal(back.fileHash?.algorithm, 'sha256');
  assert.equal(hex(back.fileHash!.digest), createHash('sha256').update(data).digest('hex'));
});

test('encodeIndex picks go-sync for plain MD5 indexes and deltasync otherwise; deltasync can be forced', async () => {
  const plain = await buildIndex(file, { blockSize: 2048 });
  const majorOf = (b: Uint8Array) => b[6] | (b[7] << 8);
  assert.equal(majorOf(encodeIndex(plain)), 0);
  const forced = encodeIndex(plain, 'deltasync');
  assert.equal(majorOf(forced), 1);
  assertSameIndex(decodeIndex(forced, 'forced.idx'), plain);
  assert.equal(majorOf(encodeIndex(await buildIndex(file, { blockSize: 2048, fileHash: 'sha256' }))), 1);
  assert.equal(majorOf(encodeIndex(await buildIndex(file, { blockSize: 2048, strongLength: 8 }))), 1);
});

test('an empty file round-trips in the deltasync format', async () => {
  const empty = await t.write('empty', new Uint8Array(0));
  const index = await buildIndex(empty, { strongHash: 'sha256', fileHash: 'sha256' });
  assert.equal(index.blockCount, 0);
  const back = decodeIndex(encodeIndex(index), 'empty.idx');
  assertSameIndex(back, index);
  assert.equal(hex(back.fileHash!.digest), createHash('sha256').digest('hex'));
});

test('a decoded index does not share memory with the bytes it was decoded from', async () => {
  const index = await buildIndex(file, { blockSize: 1024, strongHash: 'sha256', strongLength: 8, fileHash: 'sha256' });
  // readIndexFile hands decodeIndex a Buffer, as here.
  const bytes = Buffer.from(encodeIndex(index));
  const back = decodeIndex(bytes, 'mem.idx');
  const before = { weak: Array.from(back.weak), strong: hex(back.strong), fileHash: hex(back.fileHash!.digest) };
  bytes.fill(0xee);
  assert.deepEqual(Array.from(back.weak), before.weak, 'weak sums');
  assert.equal(hex(back.strong), before.strong, 'strong digests');
  assert.equal(hex(back.fileHash!.digest), before.fileHash, 'whole-file digest');
});

test('digests shorter than 4 bytes need a whole-file hash, at build and at read', async () => {
  const file = t.path('short-digest.bin');
  await writeFile(file, randomBytes(10_000));
  await assert.rejects(buildIndex(file, { blockSize: 1024, strongHash: 'sha1', strongLength: 3 }), /need a whole-file hash/);
  const guarded = await buildIndex(file, { blockSize: 1024, strongHash: 'sha1', strongLength: 3, fileHash: 'sha256' });
  const unguarded = { ...guarded, fileHash: undefined };
  assert.throws(() => decodeIndex(encodeIndex(unguarded), 'x.gosync'), /x\.gosync: block digests of 3 bytes are too short/);
});

test('hash names in a deltasync index are read whatever their case', async () => {
  const file = t.path('case.bin');
  await writeFile(file, randomBytes(5_000));
  const index = await buildIndex(file, { blockSize: 1024, fileHash: 'sha256', strongLength: 8 });
  const shouting = { ...index, strongHash: 'MD5', fileHash: { ...index.fileHash!, algorithm: 'SHA256' } };
  const back = decodeIndex(encodeIndex(shouting, 'deltasync'), 'case.idx');
  assert.equal(back.strongHash, 'md5');
  assert.equal(back.fileHash?.algorithm, 'sha256');
  assertSameIndex(back, index);
});

test('the go-sync format holds no URL: an index with one is written as deltasync, and refused as gosync', async () => {
  const plain = await buildIndex(file, { blockSize: 4096, threads: 1 });
  const withUrl = { ...plain, urls: ['ref.bin'] };
  assert.throws(() => encodeIndex(withUrl, 'gosync'), /go-sync format holds no reference URL/);
  const bytes = encodeIndex(withUrl);
  assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getUint16(6, true), 1, 'major version 1: deltasync');
  assert.deepEqual(decodeIndex(bytes, 'u.idx').urls, ['ref.bin']);
});

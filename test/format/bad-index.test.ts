import assert from 'node:assert/strict';
import { MIN_BLOCK_SIZE } from '../../src/index/block-index.js';
import { after, before, test } from 'node:test';
import { IndexFormatError } from '../../src/errors/errors.js';
import { decodeIndex, encodeIndex, readIndexFile } from '../../src/format/index-file.js';
import { buildIndex } from '../../src/index/build.js';
import { concat, seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

let t: TempDir;
/** A valid go-sync index: 5000 bytes at 1024 → 5 blocks, 24 + 100 bytes. */
let gosync: Uint8Array;
/** A valid deltasync index of the same file (sha256 blocks cut to 8 bytes, sha256 file hash). */
let v1: Uint8Array;

before(async () => {
  t = await tempDir();
  const ref = await t.write('ref', seededBytes(9, 5000));
  gosync = encodeIndex(await buildIndex(ref, { blockSize: 1024 }));
  v1 = encodeIndex(await buildIndex(ref, { blockSize: 1024, strongHash: 'sha256', strongLength: 8, fileHash: 'sha256' }));
  assert.equal(gosync.length, 124);
});
after(() => t.done());

function edited(bytes: Uint8Array, edit: (view: DataView, b: Uint8Array) => void): Uint8Array {
  const b = bytes.slice();
  edit(new DataView(b.buffer), b);
  return b;
}

/** Writes `bytes` as `name`, reads it back, and checks the IndexFormatError names the file and says `reason`. */
async function assertBadIndex(name: string, bytes: Uint8Array, reason: RegExp): Promise<void> {
  const path = await t.write(name, bytes);
  await assert.rejects(readIndexFile(path), (err: unknown) => {
    assert.ok(err instanceof IndexFormatError, `IndexFormatError, got ${String(err)}`);
    assert.equal(err.code, 'EFORMAT');
    assert.ok(err.message.includes(path), `message names ${path}: ${err.message}`);
    assert.match(err.message, reason);
    assert.doesNotMatch(err.message, /\n/, 'one line');
    return true;
  });
  // decodeIndex reports the same problem under the name it is given.
  assert.throws(() => decodeIndex(bytes, 'https://example.org/x.gosync'), (err: unknown) => {
    assert.ok(err instanceof IndexFormatError);
    assert.ok(err.message.startsWith('https://example.org/x.gosync: '), err.message);
    return true;
  });
}

test('the unmodified indexes read back', async () => {
  assert.equal(decodeIndex(gosync, 'ok').blockCount, 5);
  assert.equal(decodeIndex(v1, 'ok').blockCount, 5);
});

test('wrong magic', async () => {
  await assertBadIndex('magic.gosync', edited(gosync, (_, b) => (b[0] = 0x58)), /not a go-sync, deltasync or zsync index/);
  await assertBadIndex('zsync.gosync', new TextEncoder().encode('zsync: 0.6.2\nFilename: x\n'), /zsync\.gosync: truncated control file/);
});

test('an empty file', async () => {
  await assertBadIndex('empty.gosync', new Uint8Array(0), /empty\.gosync: empty file, not an index$/);
});

test('unsupported major version 7', async () => {
  await assertBadIndex('v7.gosync', edited(gosync, (v) => v.setUint16(6, 7, true)), /unsupported index version 7\.2\.1/);
});

test('a go-sync body cut short', async () => {
  await assertBadIndex('short.gosync', gosync.subarray(0, gosync.length - 5), /truncated index: 95 bytes of block records, expected 100/);
  await assertBadIndex('no-records.gosync', gosync.subarray(0, 24), /truncated index: 0 bytes/);
});

test('a go-sync body too long', async () => {
  await assertBadIndex('long.gosync', concat(gosync, new Uint8Array(1)), /over-long index: 101 bytes of block records, expected 100/);
  await assertBadIndex('long20.gosync', concat(gosync, gosync.subarray(24, 44)), /over-long index/);
});

test('block size 0', async () => {
  await assertBadIndex('bs0.gosync', edited(gosync, (v) => v.setUint32(20, 0, true)), /block size 0 is out of range/);
});

test('an absurd block size (2^31) and one just too small (MIN_BLOCK_SIZE - 1)', async () => {
  await assertBadIndex('bs-huge.gosync', edited(gosync, (v) => v.setUint32(20, 2 ** 31, true)), /block size 2147483648 is out of range/);
  const small = MIN_BLOCK_SIZE - 1;
  await assertBadIndex('bs-small.gosync', edited(gosync, (v) => v.setUint32(20, small, true)), new RegExp(`block size ${small} is out of range`));
});

test('a header shorter than 24 bytes', async () => {
  for (const n of [6, 8, 12, 20, 23]) {
    await assertBadIndex(`header${n}.gosync`, gosync.subarray(0, n), /truncated index: the header ends before its/);
  }
});

test('a file size beyond what a number holds exactly', async () => {
  await assertBadIndex('size.gosync', edited(gosync, (v) => v.setBigUint64(12, 2n ** 63n - 1n, true)), /file size/);
});

test('a file size that needs more records than the file has', async () => {
  await assertBadIndex('size2.gosync', edited(gosync, (v) => v.setBigUint64(12, 2n ** 40n, true)), /truncated index/);
});

test('deltasync: a header cut short', async () => {
  for (const n of [24, 27, 30, 40]) {
    await assertBadIndex(`v1-header${n}.idx`, v1.subarray(0, n), /truncated index: the header ends before its/);
  }
});

test('deltasync: a body cut short or too long', async () => {
  await assertBadIndex('v1-short.idx', v1.subarray(0, v1.length - 1), /truncated index: 59 bytes of block records, expected 60/);
  await assertBadIndex('v1-long.idx', concat(v1, new Uint8Array(12)), /over-long index: 72 bytes/);
});

test('deltasync: an unknown block hash, and a block digest length out of range', async () => {
  // The block hash name starts at offset 28: length 6, "sha256".
  assert.equal(Buffer.from(v1.subarray(29, 35)).toString(), 'sha256');
  await assertBadIndex('v1-hash.idx', edited(v1, (_, b) => b.set(new TextEncoder().encode('shaXYZ'), 29)), /unknown block hash 'shaXYZ'/);
  await assertBadIndex('v1-len0.idx', edited(v1, (_, b) => (b[35] = 0)), /strong length 0 is out of range/);
  await assertBadIndex('v1-len33.idx', edited(v1, (_, b) => (b[35] = 33)), /strong length 33 is out of range/);
});

test('deltasync: a header length pointing outside the file', async () => {
  await assertBadIndex('v1-hl.idx', edited(v1, (v) => v.setUint32(24, v1.length + 1, true)), /header length .* out of range/);
  await assertBadIndex('v1-hl2.idx', edited(v1, (v) => v.setUint32(24, 29, true)), /header length 29 is out of range/);
});

test('deltasync: block size out of range', async () => {
  await assertBadIndex('v1-bs.idx', edited(v1, (v) => v.setUint32(20, 0, true)), /block size 0 is out of range/);
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { weakSum } from '../../src/checksum/rolling.js';
import { loadStrongHash } from '../../src/checksum/registry.js';
import { codecNamed } from '../../src/format/registry.js';
import { decodeIndex, encodeIndex } from '../../src/format/index-file.js';
import { formatZsyncMTime, META_FILENAME, META_MTIME, META_VERSION, zsyncDefaultBlockSize, zsyncHashLengths, zsyncIndex } from '../../src/format/zsync.js';
import { readZsyncTable, rsumBytesOfWeakMask, weakMaskOfRsumBytes, writeZsyncTable } from '../../src/format/zsync-table.js';
import type { BlockIndex } from '../../src/index/block-index.js';
import { seededBytes } from '../helpers/random.js';

const enc = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The 4-byte BE a ‖ b zsync stores for a block, through deltasync's weak sum and the table writer. */
function storedRsum(block: Uint8Array, rsumBytes = 4): string {
  const out = new Uint8Array(rsumBytes + 3);
  writeZsyncTable(Int32Array.of(weakSum(block) | 0), new Uint8Array(3), 3, rsumBytes, 3, out, 0);
  return hex(out.subarray(0, rsumBytes));
}

test('known answers (formats.md): the rolling sum of [0,1,2,3] is stored 0006000a, of bytes 0..255 7f80aa80', () => {
  assert.equal(storedRsum(Uint8Array.of(0, 1, 2, 3)), '0006000a');
  assert.equal(storedRsum(Uint8Array.from({ length: 256 }, (_, i) => i)), '7f80aa80');
});

test('the last rsum_bytes of a_hi a_lo b_hi b_lo are kept: 3 → a_lo b_hi b_lo, 2 → b, 1 → b_lo', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i); // a = 7f80, b = aa80
  assert.equal(storedRsum(all, 3), '80aa80');
  assert.equal(storedRsum(all, 2), 'aa80');
  assert.equal(storedRsum(all, 1), '80');
});

test('weak masks: rsum_bytes 4 → -1, 3 → a_lo and b, 2 → b, 1 → b_lo; and back', () => {
  assert.equal(weakMaskOfRsumBytes(4), -1);
  assert.equal(weakMaskOfRsumBytes(3) >>> 0, 0xffff00ff);
  assert.equal(weakMaskOfRsumBytes(2) >>> 0, 0xffff0000);
  assert.equal(weakMaskOfRsumBytes(1) >>> 0, 0x00ff0000);
  for (const n of [1, 2, 3, 4]) assert.equal(rsumBytesOfWeakMask(weakMaskOfRsumBytes(n)), n);
  assert.equal(rsumBytesOfWeakMask(0x0000ffff), undefined);
});

test('reading a table right-aligns the kept bytes and gives the masked go-sync weak sum', () => {
  const data = Uint8Array.from({ length: 256 }, (_, i) => i);
  const full = weakSum(data) | 0;
  for (const n of [1, 2, 3, 4]) {
    const rec = new Uint8Array(n + 3);
    writeZsyncTable(Int32Array.of(full), Uint8Array.of(9, 8, 7), 3, n, 3, rec, 0);
    const { weak, strong } = readZsyncTable(rec, 0, 1, n, 3);
    assert.equal(weak[0], full & weakMaskOfRsumBytes(n), `rsum_bytes ${n}`);
    assert.deepEqual([...strong], [9, 8, 7]);
  }
});

test('Hash-Lengths as zsyncmake 0.6.2 chooses them (formats.md and runs of zsyncmake)', () => {
  const hl = (len: number, bs: number) => Object.values(zsyncHashLengths(len, bs)).join(',');
  assert.equal(hl(10_000, 2048), '2,2,3');
  assert.equal(hl(1_000_000, 2048), '2,2,4');
  assert.equal(hl(8_000_000, 2048), '2,2,4');
  assert.equal(hl(40_000_000, 65536), '2,3,4');
  assert.equal(hl(0, 2048), '1,2,3');
  assert.equal(hl(100, 2048), '1,2,4');
  assert.equal(hl(1000, 65536), '1,3,4');
  assert.equal(hl(30000, 1 << 20), '1,4,5');
  assert.equal(zsyncDefaultBlockSize(99_999_999), 2048);
  assert.equal(zsyncDefaultBlockSize(100_000_000), 4096);
});

test('MTime is written as zsyncmake writes it (gmtime, English names, +0000, seconds truncated)', () => {
  assert.equal(formatZsyncMTime(new Date(1_700_000_000_999)), 'Tue, 14 Nov 2023 22:13:20 +0000');
  assert.equal(formatZsyncMTime(new Date(0)), 'Thu, 01 Jan 1970 00:00:00 +0000');
  assert.equal(formatZsyncMTime(new Date(Date.UTC(2026, 4, 8, 3, 4, 5))), 'Fri, 08 May 2026 03:04:05 +0000');
});

test('the codec: named zsync, .zsync, never chosen automatically, sniffs "zsync: "', () => {
  const c = codecNamed('zsync');
  assert.equal(c.title, 'zsync');
  assert.deepEqual(c.extensions, ['zsync']);
  assert.equal(c.automatic, false);
  assert.equal(c.sniff(enc('zsync: 0.6.2\nFil')), true);
  assert.equal(c.sniff(enc('zsync:0.6')), false);
  assert.equal(c.sniff(enc('G0S9NC')), false);
});

/** Sums of `data` at `blockSize` with `hash`, the last block zero-padded: zsync's table, every byte kept. */
async function fullTable(data: Uint8Array, blockSize: number, hash: string): Promise<Uint8Array> {
  const h = await loadStrongHash(hash);
  const parts: Uint8Array[] = [];
  for (let off = 0; off < data.length; off += blockSize) {
    const block = new Uint8Array(blockSize);
    block.set(data.subarray(off, off + blockSize));
    const rec = new Uint8Array(4 + h.size);
    writeZsyncTable(Int32Array.of(weakSum(block) | 0), h.digest(block), h.size, 4, h.size, rec, 0);
    parts.push(rec);
  }
  return Buffer.concat(parts);
}

test('a zsync 0.8 control file (SHA-224 blocks, File-Hash SHA-256, Safe) decodes, and encodes back byte for byte', async () => {
  const data = seededBytes(8, 5000);
  const sha256 = createHash('sha256').update(data).digest('hex');
  const header =
    'zsync: 0.8.0\nFilename: target.dat\nMTime: Thu, 28 May 2026 16:40:12 +0000\nBlocksize: 2048\nLength: 5000\n' +
    `Safe: File-Hash\nHash-Lengths: 1,4,28\nStrong-Hash-Algorithm: SHA-224\nFile-Hash: SHA-256:${sha256}\nURL: target.dat\nURL: http://mirror.example/target.dat\n\n`;
  const bytes = Buffer.concat([enc(header), await fullTable(data, 2048, 'sha224')]);
  const index = decodeIndex(bytes, 'target.dat.zsync');
  assert.equal(index.strongHash, 'sha224');
  assert.equal(index.strongLength, 28);
  assert.equal(index.weakMask, -1);
  assert.equal(index.matchRun, 1);
  assert.equal(index.paddedTail, true);
  assert.equal(index.blockCount, 3);
  assert.equal(index.fileHash?.algorithm, 'sha256');
  assert.equal(hex(index.fileHash!.digest), sha256);
  assert.deepEqual(index.urls, ['target.dat', 'http://mirror.example/target.dat']);
  assert.deepEqual(index.meta, { [META_VERSION]: '0.8.0', [META_FILENAME]: 'target.dat', [META_MTIME]: 'Thu, 28 May 2026 16:40:12 +0000' });
  const last = new Uint8Array(2048);
  last.set(data.subarray(4096));
  assert.equal(hex(index.strong.subarray(56, 84)), hex((await loadStrongHash('sha224')).digest(last)));
  assert.equal(index.weak[2], weakSum(last) | 0);
  assert.ok(Buffer.from(encodeIndex(index, 'zsync')).equals(bytes));
});

test('a zsync 0.8 MD4/MD5 file with a SHA-1 line too: SHA-256 is preferred; MD4 is written Safe as 0.8 writes it', async () => {
  const data = seededBytes(9, 3000);
  const sha256 = createHash('sha256').update(data).digest('hex');
  const sha1 = createHash('sha1').update(data).digest('hex');
  for (const [name, alg, safe] of [['MD4', 'md4', 'File-Hash,Strong-Hash-Algorithm'], ['MD5', 'md5', 'File-Hash']]) {
    const header =
      `zsync: 0.8.0\nBlocksize: 1024\nLength: 3000\nSafe: ${safe}\nHash-Lengths: 1,4,16\nStrong-Hash-Algorithm: ${name}\n` +
      `File-Hash: SHA-256:${sha256}\nURL: t\n\n`;
    const bytes = Buffer.concat([enc(header), await fullTable(data, 1024, alg)]);
    const index = decodeIndex(bytes, 'x.zsync');
    assert.equal(index.strongHash, alg);
    assert.equal(index.fileHash?.algorithm, 'sha256');
    assert.ok(Buffer.from(encodeIndex(index, 'zsync')).equals(bytes), `${name} round trip`);
    // The same with a legacy SHA-1 line as well: SHA-256 still wins.
    const withSha1 = Buffer.concat([enc(header.replace('URL: t\n', `URL: t\nSHA-1: ${sha1}\n`)), await fullTable(data, 1024, alg)]);
    assert.equal(decodeIndex(withSha1, 'x.zsync').fileHash?.algorithm, 'sha256');
  }
});

test('lines may end in CRLF, and values lose trailing spaces, as zsync 0.6 reads them; no Hash-Lengths means 1,4,16', async () => {
  const data = seededBytes(10, 1500);
  const sha1 = createHash('sha1').update(data).digest('hex');
  const header = `zsync: 0.6.2\r\nBlocksize: 1024  \r\nLength: 1500\r\nURL: a b\r\nSHA-1: ${sha1}\r\n\n`;
  const index = decodeIndex(Buffer.concat([enc(header), await fullTable(data, 1024, 'md4')]), 'crlf.zsync');
  assert.equal(index.blockSize, 1024);
  assert.deepEqual(index.urls, ['a b']);
  assert.equal(index.matchRun, 1);
  assert.equal(index.weakMask, -1);
  assert.equal(index.strongLength, 16);
});

test('encode: an index that does not fit zsync says why (unpadded tail, hash, mask, block size)', () => {
  const base: BlockIndex = {
    fileSize: 1500, blockSize: 1024, blockCount: 2, strongHash: 'md4', strongLength: 4,
    weak: new Int32Array(2), strong: new Uint8Array(8), paddedTail: true, matchRun: 2, weakMask: weakMaskOfRsumBytes(2),
  };
  const c = codecNamed('zsync');
  assert.equal(c.unfit(base), undefined);
  assert.match(c.unfit({ ...base, paddedTail: false })!, /zero-padded/);
  assert.match(c.unfit({ ...base, strongHash: 'blake3' })!, /MD4, MD5 or SHA-224/);
  assert.match(c.unfit({ ...base, weakMask: 0xffff })!, /last 1 to 4 bytes/);
  assert.match(c.unfit({ ...base, blockSize: 1000, fileSize: 1500 })!, /powers of two/);
  assert.match(c.unfit({ ...base, strongLength: 2, strong: new Uint8Array(4) })!, /3 to 16/);
  assert.match(c.unfit({ ...base, strongLength: 3, strong: new Uint8Array(6) })!, /need a whole-file hash/);
  assert.match(c.unfit({ ...base, urls: ['a\nb'] })!, /line break/);
  assert.match(c.unfit({ ...base, urls: ['x'.repeat(1100)] })!, /longer than 1023/);
  assert.throws(() => encodeIndex({ ...base, paddedTail: false }, 'zsync'), /zero-padded/);
});

test('encode: a block size zsync 0.6.2 cannot use (not a power of two, or above 64 MiB) is refused in one line naming it', () => {
  const base: BlockIndex = {
    fileSize: 1500, blockSize: 1024, blockCount: 2, strongHash: 'md4', strongLength: 4,
    weak: new Int32Array(2), strong: new Uint8Array(8), paddedTail: true, matchRun: 2, weakMask: weakMaskOfRsumBytes(2),
  };
  const c = codecNamed('zsync');
  // zsync.c takes any power of two as Blocksize; librcksum reads 16 blocks at a time into a buffer sized by an int.
  for (const blockSize of [64, 2048, 2 ** 24, 2 ** 26]) assert.equal(c.unfit({ ...base, blockSize }), undefined, `${blockSize}`);
  // 2^53 - 1 and 0.5 pass a test by Math.log2 (it rounds 2^53 - 1 to 53; log2(0.5) is -1).
  for (const blockSize of [0, 0.5, 3000, 2 ** 27, 2 ** 40, 2 ** 53 - 1]) {
    const problem = c.unfit({ ...base, blockSize });
    assert.equal(problem, `block size ${blockSize} is not one zsync can use (it takes powers of two up to 64 MiB)`);
  }
  assert.throws(() => encodeIndex({ ...base, blockSize: 3000, fileSize: 6000 }, 'zsync'), { message: 'block size 3000 is not one zsync can use (it takes powers of two up to 64 MiB)' });
});

test('zsyncIndex refuses an index not built for zsync, naming what is wrong', () => {
  const base: BlockIndex = {
    fileSize: 1500, blockSize: 1024, blockCount: 2, strongHash: 'md4', strongLength: 16,
    weak: new Int32Array(2), strong: new Uint8Array(32), paddedTail: true,
    fileHash: { algorithm: 'sha1', digest: new Uint8Array(20) },
  };
  assert.equal(zsyncIndex(base).matchRun, 2);
  assert.deepEqual(zsyncIndex(base, { filename: 'f' }).urls, ['f'], 'no url: the file name, as zsyncmake');
  assert.throws(() => zsyncIndex({ ...base, strongHash: 'md5' }), /16 bytes of md5/);
  assert.throws(() => zsyncIndex({ ...base, paddedTail: false }), /unpadded/);
  assert.throws(() => zsyncIndex({ ...base, fileHash: undefined }), /whole-file hash is missing/);
});

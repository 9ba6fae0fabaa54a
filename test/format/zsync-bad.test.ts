import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { IndexFormatError } from '../../src/errors/errors.js';
import { decodeIndex, readIndexFile } from '../../src/format/index-file.js';
import { zsyncCodec } from '../../src/format/zsync.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';
import { ZSYNC_DATA } from '../helpers/zsync-tools.js';

/** A valid control file (zsyncmake 0.6.2, 5000 bytes at 2048: Hash-Lengths 2,2,3, 3 records of 5 bytes). */
const good = readFileSync(join(ZSYNC_DATA, 'random-5000.zsync'));
const split = good.indexOf('\n\n') + 1;
const lines = good.subarray(0, split).toString('utf8').split('\n').slice(0, -1);
const table = good.subarray(split + 1);

/** The good file with its header lines passed through `edit` and its table through `tableEdit`. */
function variant(edit: (l: string[]) => string[], tableEdit: (t: Buffer) => Buffer = (t) => t): Buffer {
  return Buffer.concat([Buffer.from(edit([...lines]).map((l) => `${l}\n`).join('') + '\n'), tableEdit(Buffer.from(table))]);
}
const replace = (key: string, value: string | undefined) => (l: string[]) =>
  l.flatMap((x) => (x.startsWith(`${key}: `) ? (value === undefined ? [] : [`${key}: ${value}`]) : [x]));
const insert = (line: string) => (l: string[]) => [...l.slice(0, 2), line, ...l.slice(2)];

let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

function assertOneLine(err: unknown, name: string, reason: RegExp): true {
  assert.ok(err instanceof IndexFormatError, `IndexFormatError, got ${String(err)}`);
  assert.equal(err.code, 'EFORMAT');
  assert.ok(err.message.startsWith(`${name}: `), `message names ${name}: ${err.message}`);
  assert.match(err.message, reason);
  assert.doesNotMatch(err.message, /\n/, 'one line');
  return true;
}

const cases: [what: string, bytes: Buffer, reason: RegExp][] = [
  ['a truncated table', variant((l) => l, (b) => b.subarray(0, b.length - 1)), /truncated block table: 14 bytes after the header, expected 15 \(3 blocks of 5 bytes for Length 5000 at Blocksize 2048\)/],
  ['a table longer than Length says', variant(replace('Length', '4000')), /block table longer than Length says: 15 bytes after the header, expected 10/],
  ['a table with a byte too many', variant((l) => l, (b) => Buffer.concat([b, Buffer.of(0)])), /longer than Length says/],
  ['no Blocksize', variant(replace('Blocksize', undefined)), /missing Blocksize field/],
  ['no Length', variant(replace('Length', undefined)), /missing Length field/],
  ['two different Lengths', variant(insert('Length: 4999')), /contradictory Length fields: "4999" and "5000"/],
  ['two different Blocksizes', variant(insert('Blocksize: 1024')), /contradictory Blocksize fields/],
  ['SHA-1 and File-Hash SHA-1 that differ', variant(insert(`File-Hash: SHA-1:${'0'.repeat(40)}`)), /contradictory whole-file hashes/],
  ['seq_matches 3', variant(replace('Hash-Lengths', '3,2,3')), /seq_matches 3 is out of range \(1 or 2\)/],
  ['rsum_bytes 5', variant(replace('Hash-Lengths', '2,5,3')), /rsum_bytes 5 is out of range \(1 to 4\)/],
  ['rsum_bytes 0', variant(replace('Hash-Lengths', '2,0,3')), /rsum_bytes 0 is out of range/],
  ['checksum_bytes 2', variant(replace('Hash-Lengths', '2,2,2')), /checksum_bytes 2 is out of range for MD4 \(3 to 16\)/],
  ['checksum_bytes 17 for MD4', variant(replace('Hash-Lengths', '2,2,17')), /checksum_bytes 17 is out of range for MD4/],
  ['Hash-Lengths with two numbers', variant(replace('Hash-Lengths', '2,2')), /Hash-Lengths "2,2" is not three whole numbers/],
  ['a non-numeric Length', variant(replace('Length', '5000x')), /Length "5000x" is not a whole number/],
  ['a negative Length', variant(replace('Length', '-5')), /Length "-5" is not a whole number/],
  ['a non-numeric Blocksize', variant(replace('Blocksize', '2k')), /Blocksize "2k" is not a whole number/],
  ['a Blocksize not a power of two', variant(replace('Blocksize', '3000')), /Blocksize 3000 is not a power of two/],
  ['a Blocksize of 0', variant(replace('Blocksize', '0')), /Blocksize 0 is not a power of two/],
  ['a Blocksize deltasync does not take', variant(replace('Blocksize', '32')), /Blocksize 32 is out of the range deltasync works with \(64 to 16777216 bytes\)/],
  ['a line of 1100 bytes', variant(replace('URL', 'http://x/' + 'a'.repeat(1100))), /line 7 is longer than 1023 bytes/],
  ['a header with no end', Buffer.from(lines.join('\n') + '\n'), /truncated control file: it ends inside the header/],
  ['Z-URL', variant(insert('Z-URL: x.gz')), /^\S+: Z-URL: compressed content/],
  ['Z-Map2', variant(insert('Z-Map2: 4')), /Z-Map2: compressed content/],
  ['Recompress', variant(insert('Recompress: 1f8b08 --best')), /Recompress: compressed content/],
  ['Z-Filename', variant(insert('Z-Filename: x.gz')), /Z-Filename: compressed content/],
  ['Safe naming a field deltasync lacks', variant(insert('Safe: File-Hash,X-Delta-Magic')), /Safe lists X-Delta-Magic, which deltasync does not implement/],
  ['an unknown field', variant(insert('X-Other: 1')), /unknown field X-Other/],
  ['a line that is not Key: value', variant(insert('just text')), /line 3 is not a 'Key: value' header line: "just text"/],
  ['a line with no space after the colon', variant(insert('Key:value')), /line 3 is not a 'Key: value'/],
  ['an MTime that is no date', variant(replace('MTime', 'yesterday')), /MTime "yesterday" is not an RFC 822 date/],
  ['a SHA-1 of the wrong length', variant(replace('SHA-1', 'abc')), /SHA-1 must be 40 hex digits, not "abc"/],
  ['a SHA-1 with non-hex digits', variant(replace('SHA-1', 'z'.repeat(40))), /SHA-1 must be 40 hex digits/],
  ['an unknown Strong-Hash-Algorithm', variant(insert('Strong-Hash-Algorithm: SHA-512')), /Strong-Hash-Algorithm SHA-512 is not one of MD4, MD5, SHA-224/],
  ['an unknown File-Hash', variant(insert('File-Hash: BLAKE3:00')), /File-Hash "BLAKE3:00" is not SHA-1:<hex> or SHA-256:<hex>/],
  ['a File-Hash SHA-256 of the wrong length', variant(insert('File-Hash: SHA-256:00')), /File-Hash SHA-256 must be 64 hex digits/],
  ['a Min-Version above 0.8', variant(insert('Min-Version: 0.9.1')), /Min-Version 0.9.1: the file needs a newer zsync/],
  ['zsync 0.0.4', variant(replace('zsync', '0.0.4')), /zsync 0.0.4 control files are not supported/],
  ['3-byte checksums and no SHA-1', variant(replace('SHA-1', undefined)), /block checksums of 3 bytes are too short to verify anything without a whole-file hash/],
  ['a Filename that is not UTF-8', Buffer.concat([Buffer.from('zsync: 0.6.2\nFilename: '), Buffer.of(0xff, 0xfe), Buffer.from('\nBlocksize: 2048\nLength: 0\n\n')]), /line 2 is not UTF-8 text/],
  ['an empty URL', variant(replace('URL', '')), /line 7 is not a 'Key: value'|empty URL/],
];

for (const [what, bytes, reason] of cases) {
  test(`a control file with ${what} is refused with a clear one-line error`, async () => {
    assert.throws(() => decodeIndex(bytes, 'bad.zsync'), (e) => assertOneLine(e, 'bad.zsync', reason));
    const path = await t.write(`bad-${what.replace(/\W+/g, '-')}.zsync`, bytes);
    await assert.rejects(readIndexFile(path), (e) => assertOneLine(e, path, reason));
  });
}

test('the good file the cases are made from is read', () => {
  assert.equal(decodeIndex(variant((l) => l), 'good.zsync').blockCount, 3);
});

test('a file that does not start with "zsync:" is not taken for a control file', () => {
  const bytes = variant((l) => [l[1], l[0], ...l.slice(2)]);
  assert.throws(() => decodeIndex(bytes, 'x.zsync'), /x\.zsync: not a go-sync, deltasync or zsync index/);
  assert.throws(() => zsyncCodec.decode(bytes, 'x.zsync'), /does not start with a 'zsync:' line/);
});

test('decode(head, name, total) checks the header against the length of the whole file', () => {
  const head = good.subarray(0, split + 1);
  assert.equal(zsyncCodec.decode(head, 'h.zsync', good.length), undefined, 'the right length: nothing to say yet');
  assert.throws(() => zsyncCodec.decode(head, 'h.zsync', good.length + 100), /h\.zsync: block table longer than Length says: 115 bytes/);
  assert.throws(() => zsyncCodec.decode(head, 'h.zsync', good.length - 1), /h\.zsync: truncated block table/);
  // A head cut inside the header cannot be judged yet...
  assert.equal(zsyncCodec.decode(good.subarray(0, 40), 'h.zsync', 100_000), undefined);
  // ...unless it is already as long as a header may be.
  const long = Buffer.concat([Buffer.from('zsync: 0.6.2\n'), Buffer.from('URL: u\n'.repeat(10_000))]);
  assert.throws(() => zsyncCodec.decode(long, 'h.zsync', long.length + 10), /the header does not end within its first 65536 bytes/);
});

test('readIndexFile refuses a large control file whose header does not fit its length before reading the table', async () => {
  // 100,000 blocks of 5 bytes declared; the file holds 300,000 bytes of table.
  const bytes = variant(replace('Length', String(2048 * 100_000)), () => Buffer.alloc(300_000));
  const path = await t.write('big.zsync', bytes);
  await assert.rejects(readIndexFile(path), (e) => assertOneLine(e, path, /truncated block table: 300000 bytes after the header, expected 500000/));
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { IndexFormatError } from '../../src/errors/errors.js';
import { decodeIndex, encodeIndex } from '../../src/format/index-file.js';
import { zsyncCodec } from '../../src/format/zsync.js';
import { checkIndex } from '../../src/index/block-index.js';
import { ZSYNC_DATA } from '../helpers/zsync-tools.js';

/** Decodes `bytes`; anything but an IndexFormatError fails. A decoded index must be whole and survive encode → decode unchanged. */
function decodeOrRefuse(bytes: Uint8Array): boolean {
  const started = performance.now();
  let index;
  try {
    index = decodeIndex(bytes, 'fuzz.zsync');
  } catch (err) {
    if (err instanceof IndexFormatError) {
      assert.ok(err.message.startsWith('fuzz.zsync: '), err.message);
      assert.doesNotMatch(err.message, /\n/);
      return false;
    }
    throw err;
  } finally {
    assert.ok(performance.now() - started < 2000, 'decoding took over 2 s');
  }
  checkIndex(index);
  if (zsyncCodec.sniff(bytes) === true && zsyncCodec.unfit(index) === undefined) {
    const again = decodeIndex(encodeIndex(index, 'zsync'), 'again.zsync');
    assert.deepEqual({ ...again }, { ...index });
  }
  return true;
}

let decoded = 0;

const values = fc.oneof(
  fc.constantFrom('0', '1', '512', '1024', '2048', '3000', '5000', '-1', '99999999999999999', '1,4,16', '2,2,3', '2,3,4', '1,2,16', '0,0,0', ' ', ''),
  fc.constantFrom('MD4', 'MD5', 'SHA-224', 'SHA-256:' + '0'.repeat(64), 'SHA-1:' + 'a'.repeat(40), 'a'.repeat(40), 'Tue, 14 Nov 2023 22:13:20 +0000'),
  fc.string({ maxLength: 30 }),
  fc.nat({ max: 70_000 }).map(String),
);
const keys = fc.oneof(
  fc.constantFrom('zsync', 'Filename', 'MTime', 'Blocksize', 'Length', 'Hash-Lengths', 'URL', 'SHA-1', 'File-Hash', 'Strong-Hash-Algorithm', 'Safe', 'Min-Version', 'Z-URL', 'Z-Map2'),
  fc.string({ maxLength: 12 }),
);
const line = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(keys, values).map(([k, v]) => `${k}: ${v}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.nat({ max: 1500 }).map((n) => `URL: ${'u'.repeat(n)}`) },
);

test('fuzz: random headers and tables never crash decode with anything but an IndexFormatError', () => {
  fc.assert(
    fc.property(fc.array(line, { maxLength: 12 }), fc.boolean(), fc.uint8Array({ maxLength: 400 }), (ls, endOk, table) => {
      const text = `zsync: 0.6.2\n${ls.map((l) => `${l}\n`).join('')}${endOk ? '\n' : ''}`;
      decodeOrRefuse(Buffer.concat([Buffer.from(text), table]));
    }),
    { numRuns: 1500 },
  );
});

test('fuzz: headers that are valid but for one value, with a table of about the right size', () => {
  // Mostly valid values, sometimes one out of range: the decoder must get to the table often.
  const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ weight: 9, arbitrary: good }, { weight: 1, arbitrary: bad });
  const field = fc.record({
    blockSize: mostly(fc.constantFrom('512', '1024', '2048', '4096'), fc.constantFrom('3000', '0', 'x', '256')),
    length: mostly(fc.nat({ max: 20_000 }).map(String), fc.constantFrom('-1', '1e3', '9007199254740993')),
    lengths: mostly(
      fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 3, max: 16 })),
      fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 30 })),
    ).map((a) => a.join(',')),
    hash: fc.constantFrom(undefined, 'MD4', 'MD5', 'SHA-224', 'SHA-1'),
    sha1: mostly(fc.constant(true), fc.constant(false)),
    slack: mostly(fc.constant(0), fc.integer({ min: -3, max: 3 })),
  });
  fc.assert(
    fc.property(field, fc.integer({ min: 0, max: 255 }), ({ blockSize, length, lengths, hash, sha1, slack }, fill) => {
      const [, r, c] = lengths.split(',').map(Number);
      const blocks = Math.ceil(Number(length) / Number(blockSize)) || 0;
      const want = blocks * (r + c) + slack;
      const size = Number.isFinite(want) ? Math.max(0, Math.min(100_000, want)) : 0;
      const header =
        `zsync: 0.6.2\nBlocksize: ${blockSize}\nLength: ${length}\nHash-Lengths: ${lengths}\n` +
        (hash ? `Strong-Hash-Algorithm: ${hash}\n` : '') +
        (sha1 ? `SHA-1: ${'5'.repeat(40)}\n` : '') +
        '\n';
      if (decodeOrRefuse(Buffer.concat([Buffer.from(header), Buffer.alloc(size, fill)]))) decoded++;
    }),
    { numRuns: 1500 },
  );
  assert.ok(decoded > 50, `only ${decoded} of the generated files were valid: the fuzz does not reach the table`);
});

test('fuzz: a real zsyncmake file with bytes changed, inserted or removed', () => {
  const good = readFileSync(join(ZSYNC_DATA, 'random-9000.zsync'));
  const edit = fc.record({ at: fc.nat({ max: good.length }), kind: fc.constantFrom('set', 'insert', 'delete'), byte: fc.integer({ min: 0, max: 255 }), n: fc.integer({ min: 1, max: 8 }) });
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
      let b = Buffer.from(good);
      for (const e of edits) {
        const at = Math.min(e.at, b.length);
        if (e.kind === 'set' && at < b.length) b[at] = e.byte;
        else if (e.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.alloc(e.n, e.byte), b.subarray(at)]);
        else b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.n)]);
      }
      decodeOrRefuse(b);
    }),
    { numRuns: 2000 },
  );
});

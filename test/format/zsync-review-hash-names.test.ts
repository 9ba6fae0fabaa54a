import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IndexFormatError } from '../../src/errors/errors.js';
import { decodeIndex } from '../../src/format/index-file.js';

/** A control file of 100 bytes at 2048 (one record of 4 + 16 bytes) with `extra` header lines. */
function controlFile(...extra: string[]): Buffer {
  const text = ['zsync: 0.8.0', 'Blocksize: 2048', 'Length: 100', ...extra].map((l) => `${l}\n`).join('') + '\n';
  return Buffer.concat([Buffer.from(text), Buffer.alloc(20)]);
}

test('Strong-Hash-Algorithm naming an Object.prototype member is refused as an unknown hash, not read as one', () => {
  for (const name of ['__proto__', 'toString', 'constructor', 'hasOwnProperty']) {
    assert.throws(
      () => decodeIndex(controlFile('Hash-Lengths: 1,4,16', `Strong-Hash-Algorithm: ${name}`, `SHA-1: ${'a'.repeat(40)}`), 'x.zsync'),
      (err: Error) => err instanceof IndexFormatError && err.message === `x.zsync: Strong-Hash-Algorithm ${name} is not one of MD4, MD5, SHA-224`,
      name,
    );
  }
});

test('File-Hash naming an Object.prototype member is refused as not SHA-1 or SHA-256', () => {
  for (const name of ['__proto__', 'toString', 'constructor']) {
    assert.throws(
      () => decodeIndex(controlFile(`File-Hash: ${name}:${'a'.repeat(40)}`), 'x.zsync'),
      (err: Error) => err instanceof IndexFormatError && /^x\.zsync: File-Hash .* is not SHA-1:<hex> or SHA-256:<hex>$/.test(err.message),
      name,
    );
  }
});

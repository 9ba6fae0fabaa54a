/**
 * The WebAssembly SIMD block sums (checksum/simd-sums.wat.mjs): known answers of RFC 1321 (MD5)
 * and RFC 1320 (MD4) in every lane, and agreement with OpenSSL, hash-wasm and weakParts at every
 * length around the 16- and 64-byte steps and the padding boundary.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { createMD4 } from 'hash-wasm';
import { weakParts } from '../../src/checksum/rolling.js';
import { hasLanes, SIMD_SCRATCH, SimdSums } from '../../src/checksum/simd-sums.js';
import { seededBytes } from '../helpers/random.js';

const DATA_AT = 1024;

function setup(bytes: number) {
  const memory = new WebAssembly.Memory({ initial: Math.ceil((DATA_AT + bytes) / 65536) });
  return { sums: new SimdSums(memory, 0), data: new Uint8Array(memory.buffer, DATA_AT, bytes) };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Digests of each of `count` runs via the kernel, as hex. */
function runs(hash: string, sums: SimdSums, data: Uint8Array, start: number, length: number, count: number): string[] {
  const out = new Uint8Array(16 * count);
  sums.digestRuns(hash, data, start, length, count, out, 0);
  return Array.from({ length: count }, (_, j) => hex(out.subarray(16 * j, 16 * j + 16)));
}

const RFC_INPUTS = ['', 'a', 'abc', 'message digest', 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '1234567890'.repeat(8)];
const MD5_RFC = ['d41d8cd98f00b204e9800998ecf8427e', '0cc175b9c0f1b6a831c399e269772661', '900150983cd24fb0d6963f7d28e17f72', 'f96b697d7cb7938d525a2f31aaf161d0', 'c3fcd3d76192e4007dfb496cca67e13b', 'd174ab98d277d9f5a5611c2c9f419d9f', '57edf4a22be3c955ac49da2e2107b67a'];
const MD4_RFC = ['31d6cfe0d16ae931b73c59d7e0c089c0', 'bde52cb31de33e46245e05fbdbd6fb24', 'a448017aaf21d8525fc10ae87aa6729d', 'd9130a8164549fe818874806e1c7014b', 'd79e1c308aa5bbcdeea8ed63df412da9', '043f8582f241db351ce627e153e7f0e4', 'e33b4ddc9c38f2199c3e7b164fcc0536'];

test('hasLanes: md5 and md4 only', () => {
  assert.ok(hasLanes('md5') && hasLanes('md4'));
  assert.ok(!hasLanes('sha256') && !hasLanes('blake3') && !hasLanes('sha1'));
  assert.ok(SIMD_SCRATCH <= DATA_AT);
});

for (const [hash, answers] of [['md5', MD5_RFC], ['md4', MD4_RFC]] as const) {
  test(`${hash}: the RFC test suite, in each of the four lanes`, () => {
    const { sums, data } = setup(4 * 80);
    RFC_INPUTS.forEach((text, k) => {
      const bytes = new TextEncoder().encode(text);
      for (let j = 0; j < 4; j++) data.set(bytes, j * bytes.length);
      assert.deepEqual(runs(hash, sums, data, 0, bytes.length, 4), Array(4).fill(answers[k]), `"${text}"`);
    });
  });
}

test('property: md5 and md4 of 1-4 runs agree with OpenSSL and hash-wasm at any length and alignment', async () => {
  const md4 = await createMD4();
  const { sums, data } = setup(4 * 5000 + 16);
  data.set(seededBytes(7, data.length));
  const lengths = fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 5000 }));
  fc.assert(
    fc.property(lengths, fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 4 }), (length, start, count) => {
      const want5: string[] = [];
      const want4: string[] = [];
      for (let j = 0; j < count; j++) {
        const run = data.subarray(start + j * length, start + (j + 1) * length);
        want5.push(createHash('md5').update(run).digest('hex'));
        md4.init();
        md4.update(run);
        want4.push(md4.digest('hex'));
      }
      assert.deepEqual(runs('md5', sums, data, start, length, count), want5);
      assert.deepEqual(runs('md4', sums, data, start, length, count), want4);
    }),
    { numRuns: 300 },
  );
});

test('property: weak equals weakParts at any length and alignment', () => {
  const { sums, data } = setup(70_000);
  data.set(seededBytes(9, data.length));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 40 }), fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 69_000 })), (start, length) => {
      assert.equal(sums.weak(data, start, length), weakParts(data, start, start + length));
    }),
    { numRuns: 500 },
  );
  data.fill(255);
  assert.equal(sums.weak(data, 0, 65_536), weakParts(data, 0, 65_536), 'all bytes 255 (largest sums)');
});

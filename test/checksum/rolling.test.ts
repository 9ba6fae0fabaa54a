import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RollingSum, weakSum } from '../../src/checksum/rolling.js';
import { seededBytes } from '../helpers/random.js';

/**
 * The weak sums of every window of `len` bytes of `data`, computed exactly from prefix sums
 * (a = Σ x, b = Σ (L − i)·x, each kept whole, then reduced), independently of the library.
 */
function windowSums(data: Uint8Array, len: number): number[] {
  const P = [0];
  const Q = [0]; // Σ i·x[i]
  for (let i = 0; i < data.length; i++) {
    P.push(P[i] + data[i]);
    Q.push(Q[i] + i * data[i]);
  }
  const out: number[] = [];
  for (let s = 0; s + len <= data.length; s++) {
    const a = P[s + len] - P[s];
    const b = (s + len) * a - (Q[s + len] - Q[s]);
    out.push(((a % 65536) | ((b % 65536) << 16)) >>> 0);
  }
  return out;
}

test('weakSum known answers', () => {
  assert.equal(weakSum(new Uint8Array([0, 1, 2, 3])), 0x000a0006);
  assert.equal(weakSum(new Uint8Array(0)), 0);
  assert.equal(weakSum(new Uint8Array([0xff])), 0x00ff00ff);
  // a = 1+2+3+4 = 10, b = 4·1 + 3·2 + 2·3 + 1·4 = 20
  assert.equal(weakSum(new Uint8Array([1, 2, 3, 4])), 0x0014000a);
  // bytes 0..255: a = 32640 = 0x7f80, b = Σ (256 − i)·i = 2796160 → low 16 bits 0xaa80
  assert.equal(weakSum(Uint8Array.from({ length: 256 }, (_, i) => i)), 0xaa807f80);
});

test('weakSum of a sub-range equals weakSum of a copy of it', () => {
  const d = seededBytes(1, 1000);
  for (const [s, e] of [[0, 1000], [1, 999], [3, 4], [17, 530], [500, 500]]) {
    assert.equal(weakSum(d, s, e), weakSum(d.slice(s, e)), `range ${s}..${e}`);
  }
});

test('weakSum is unsigned and agrees with the exact formula when a and b wrap 16 bits', () => {
  const d = new Uint8Array(70_000).fill(0xff);
  const v = weakSum(d);
  // a = 255·70000, b = 255·(70000·70001/2): low 16 bits 0x5e90 and 0xa6c8 (computed with BigInt),
  // so bit 31 is set and a signed 32-bit result would be negative and unequal.
  assert.equal(v, 0xa6c85e90);
  assert.equal(v, windowSums(d, d.length)[0]);
  const r = new RollingSum(d.length);
  r.reset(d, 0);
  assert.equal(r.value, 0xa6c85e90, 'RollingSum.value is unsigned too');
});

for (const len of [1, 2, 3, 5, 512, 4096, 8191, 65535, 65536, 65537, 70_000]) {
  test(`RollingSum.roll equals recomputation at every offset, window ${len}`, () => {
    const data = seededBytes(len, len + 12_000);
    const expected = windowSums(data, len);
    const r = new RollingSum(len);
    r.reset(data, 0);
    assert.equal(r.value, weakSum(data, 0, len), 'reset');
    for (let s = 0; ; s++) {
      assert.equal(r.value, expected[s], `window at ${s}`);
      // Tie the exact formula to weakSum too (at every offset for small windows, sampled for big ones).
      if (len <= 4096 || s % 1999 === 0) assert.equal(weakSum(data, s, s + len), expected[s], `weakSum at ${s}`);
      if (s + len >= data.length) break;
      r.roll(data[s], data[s + len]);
    }
  });
}

test('RollingSum.reset at any offset equals weakSum there', () => {
  const data = seededBytes(7, 5000);
  const r = new RollingSum(1000);
  for (const s of [0, 1, 999, 2500, 4000]) {
    r.reset(data, s);
    assert.equal(r.value, weakSum(data, s, s + 1000));
  }
});

test('property: rolling from any start to any later offset equals weakSum', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 2, maxLength: 3000 }),
      fc.integer({ min: 1, max: 3000 }),
      fc.nat(),
      (data, lenRaw, startRaw) => {
        const len = 1 + (lenRaw % (data.length - 1));
        const start = startRaw % (data.length - len + 1);
        const r = new RollingSum(len);
        r.reset(data, start);
        for (let s = start; s + len < data.length; s++) r.roll(data[s], data[s + len]);
        const last = data.length - len;
        assert.equal(r.value, weakSum(data, last, data.length));
      },
    ),
    { numRuns: 200 },
  );
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { loadStrongHash, strongHashNames } from '../../src/checksum/registry.js';
import { ArgumentError } from '../../src/errors/errors.js';
import { hex } from '../helpers/index-compare.js';
import { seededBytes } from '../helpers/random.js';

/** Standard digests of "" and "abc" (RFC 1320, RFC 1321, FIPS 180, the BLAKE3 reference). */
const vectors: Record<string, { size: number; empty: string; abc: string }> = {
  md5: { size: 16, empty: 'd41d8cd98f00b204e9800998ecf8427e', abc: '900150983cd24fb0d6963f7d28e17f72' },
  sha1: { size: 20, empty: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', abc: 'a9993e364706816aba3e25717850c26c9cd0d89d' },
  sha256: {
    size: 32,
    empty: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    abc: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  },
  sha224: {
    size: 28,
    empty: 'd14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f',
    abc: '23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7',
  },
  md4: { size: 16, empty: '31d6cfe0d16ae931b73c59d7e0c089c0', abc: 'a448017aaf21d8525fc10ae87aa6729d' },
  blake3: {
    size: 32,
    empty: 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262',
    abc: '6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85',
  },
};

const abc = new TextEncoder().encode('abc');

test('the registry lists md5, sha1, sha224, sha256, md4 and blake3, and every one has a known-answer vector here', () => {
  assert.deepEqual([...strongHashNames].sort(), Object.keys(vectors).sort());
});

for (const name of Object.keys(vectors)) {
  const v = vectors[name];

  test(`${name}: one-shot digest of "" and "abc" are the standard ones`, async () => {
    const h = await loadStrongHash(name);
    assert.equal(h.name, name);
    assert.equal(h.size, v.size);
    // The result may be reused by the next call: read it before hashing again.
    assert.equal(hex(h.digest(new Uint8Array(0))), v.empty);
    assert.equal(hex(h.digest(abc)), v.abc);
    assert.equal(hex(h.digest(new Uint8Array(0))), v.empty, 'again after another digest');
  });

  test(`${name}: incremental create() gives the standard digests`, async () => {
    const h = await loadStrongHash(name);
    const empty = await h.create();
    assert.equal(hex(empty.digest()), v.empty);
    const inc = await h.create();
    inc.update(abc.subarray(0, 1));
    inc.update(new Uint8Array(0));
    inc.update(abc.subarray(1));
    assert.equal(hex(inc.digest()), v.abc);
  });

  test(`${name}: incremental hashing in any pieces equals the one-shot digest`, async () => {
    const h = await loadStrongHash(name);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 200_000 }),
        fc.array(fc.integer({ min: 0, max: 70_000 }), { maxLength: 8 }),
        async (size, cuts) => {
          const data = seededBytes(size, size);
          const oneShot = hex(h.digest(data));
          const inc = await h.create();
          const points = [...cuts.map((c) => c % (size + 1)), size].sort((a, b) => a - b);
          let from = 0;
          for (const p of points) {
            inc.update(data.subarray(from, p));
            from = p;
          }
          assert.equal(hex(inc.digest()), oneShot);
        },
      ),
      { numRuns: 15 },
    );
  });

  test(`${name}: two incremental hashers at once do not disturb each other or the one-shot digest`, async () => {
    const h = await loadStrongHash(name);
    const x = await h.create();
    const y = await h.create();
    const a = seededBytes(11, 10_000);
    const b = seededBytes(12, 10_000);
    x.update(a.subarray(0, 5000));
    y.update(b.subarray(0, 3000));
    const mid = hex(h.digest(abc));
    x.update(a.subarray(5000));
    y.update(b.subarray(3000));
    assert.equal(mid, v.abc);
    assert.equal(hex(x.digest()), hex(h.digest(a)));
    assert.equal(hex(y.digest()), hex(h.digest(b)));
  });
}

test('node:crypto agrees with the registry on a large input (md5, sha1, sha256)', async () => {
  const data = seededBytes(3, 1 << 20);
  for (const name of ['md5', 'sha1', 'sha256']) {
    const h = await loadStrongHash(name);
    assert.equal(hex(h.digest(data)), createHash(name).update(data).digest('hex'), name);
  }
});

test('hash names are case-insensitive', async () => {
  const h = await loadStrongHash('SHA256');
  assert.equal(h.name, 'sha256');
  assert.equal(hex(h.digest(abc)), vectors.sha256.abc);
});

test('an unknown hash name is rejected with an ArgumentError naming the known ones', async () => {
  await assert.rejects(
    async () => loadStrongHash('whirlpool'),
    (err: unknown) => {
      assert.ok(err instanceof ArgumentError, `ArgumentError, got ${String(err)}`);
      assert.match(err.message, /whirlpool/);
      for (const name of strongHashNames) assert.match(err.message, new RegExp(`\\b${name}\\b`));
      assert.equal(err.code, 'EARG');
      return true;
    },
  );
});

test('loadStrongHash returns a rejected promise for an unknown name (it does not throw synchronously)', async () => {
  let promise: Promise<unknown> | undefined;
  try {
    promise = loadStrongHash('whirlpool');
  } catch (err) {
    assert.fail(`loadStrongHash threw synchronously instead of returning a rejected promise: ${String(err)}`);
  }
  await assert.rejects(promise!, ArgumentError);
});

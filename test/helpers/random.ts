/** A small seeded PRNG (mulberry32), so property tests draw seeds and sizes, not megabytes. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** A whole number in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : Math.floor((this.u32() / 2 ** 32) * n);
  }
  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const v = this.u32();
      out[i] = v;
      out[i + 1] = v >>> 8;
      out[i + 2] = v >>> 16;
      out[i + 3] = v >>> 24;
    }
    for (; i < n; i++) out[i] = this.u32();
    return out;
  }
}

/** `n` seeded random bytes. */
export function seededBytes(seed: number, n: number): Uint8Array {
  return new Rng(seed).bytes(n);
}

/**
 * A reference file of `size` bytes. `random`: all random; `repeats`: random with whole blocks
 * copied to other block-aligned places and a run of zero blocks, so the index has identical
 * blocks; `zeros`: all zero.
 */
export function makeReference(seed: number, size: number, blockSize: number, kind: 'random' | 'repeats' | 'zeros'): Uint8Array {
  if (kind === 'zeros') return new Uint8Array(size);
  const rng = new Rng(seed);
  const out = rng.bytes(size);
  if (kind === 'repeats') {
    const blocks = Math.floor(size / blockSize);
    if (blocks >= 2) {
      const copies = 1 + rng.int(Math.max(1, blocks / 2));
      for (let c = 0; c < copies; c++) {
        const from = rng.int(blocks) * blockSize;
        const to = rng.int(blocks) * blockSize;
        out.copyWithin(to, from, from + blockSize);
      }
      const zeroStart = rng.int(blocks) * blockSize;
      out.fill(0, zeroStart, Math.min(size, zeroStart + (1 + rng.int(4)) * blockSize));
    }
  }
  return out;
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

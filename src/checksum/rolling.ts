import { LITTLE_ENDIAN } from '../util/endian.js';

/**
 * The go-sync rolling checksum (an rsync-style Adler variant).
 *
 * For a block x[0..L-1]: `a = Σ x[i]`, `b = Σ (L − i)·x[i]`; the 32-bit value is
 * `(a & 0xffff) | ((b & 0xffff) << 16)`. Only the low 16 bits of `a` and `b` reach the value,
 * so the state is kept modulo 2^16, which keeps every intermediate an exact small integer.
 *
 * @example
 * ```ts
 * const r = new RollingSum(4);
 * r.reset(bytes, 0);          // window bytes[0..4)
 * r.roll(bytes[0], bytes[4]); // window bytes[1..5)
 * r.value === weakSum(bytes, 1, 5); // true
 * ```
 */
export class RollingSum {
  /** Low 16 bits of the byte sum. */
  a = 0;
  /** Low 16 bits of the weighted sum. */
  b = 0;
  readonly #lengthMod: number;

  /** @param windowLength - the block length L the window rolls over. */
  constructor(readonly windowLength: number) {
    this.#lengthMod = windowLength & 0xffff;
  }

  /** Sets the state to the sum of `data[start .. start + windowLength)`. */
  reset(data: Uint8Array, start: number): void {
    const s = weakParts(data, start, start + this.windowLength);
    this.a = s & 0xffff;
    this.b = s >>> 16;
  }

  /** Slides the window one byte: `out` leaves at the front, `in` enters at the back. */
  roll(out: number, inByte: number): void {
    this.a = (this.a - out + inByte) & 0xffff;
    this.b = (this.b - this.#lengthMod * out + this.a) & 0xffff;
  }

  /** The 32-bit checksum value (as go-sync stores it), as an unsigned integer. */
  get value(): number {
    return (this.a | (this.b << 16)) >>> 0;
  }
}


/** The go-sync weak checksum of `data[start .. end)`, as a signed 32-bit integer. */
export function weakParts(data: Uint8Array, start: number, end: number): number {
  // a and b wrap as int32 and are masked once at the end: only their low 16 bits count.
  let a = 0;
  let b = 0;
  let i = start;
  const end4 = start + ((end - start) & ~3);
  if (LITTLE_ENDIAN && ((data.byteOffset + start) & 3) === 0) {
    // Aligned: four bytes per load.
    const words = new Uint32Array(data.buffer, data.byteOffset + start, (end4 - start) >>> 2);
    for (let k = 0; k < words.length; k++) {
      const v = words[k];
      const x0 = v & 255;
      const x1 = (v >>> 8) & 255;
      const x2 = (v >>> 16) & 255;
      const x3 = v >>> 24;
      b = (b + (a << 2) + (x0 << 2) + 3 * x1 + (x2 << 1) + x3) | 0;
      a = (a + x0 + x1 + x2 + x3) | 0;
    }
    i = end4;
  } else {
    for (; i < end4; i += 4) {
      const x0 = data[i];
      const x1 = data[i + 1];
      const x2 = data[i + 2];
      const x3 = data[i + 3];
      b = (b + (a << 2) + (x0 << 2) + 3 * x1 + (x2 << 1) + x3) | 0;
      a = (a + x0 + x1 + x2 + x3) | 0;
    }
  }
  for (; i < end; i++) {
    a = (a + data[i]) | 0;
    b = (b + a) | 0;
  }
  return (a & 0xffff) | (b << 16);
}

/**
 * The go-sync weak checksum of `data[start .. end)` as an unsigned 32-bit integer, the value
 * written to a `.gosync` index.
 *
 * @example
 * ```ts
 * weakSum(new Uint8Array([0, 1, 2, 3])); // a = 6, b = 4·0 + 3·1 + 2·2 + 1·3 = 10 → 0x000a0006
 * ```
 */
export function weakSum(data: Uint8Array, start = 0, end = data.length): number {
  return weakParts(data, start, end) >>> 0;
}

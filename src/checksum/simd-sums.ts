import { readFileSync } from 'node:fs';

/** Strong hashes with a four-lane kernel in simd-sums.wat.mjs. */
const LANE_HASHES = new Set(['md5', 'md4']);

/** Bytes of scratch a {@link SimdSums} needs for itself in the memory it works on. */
export const SIMD_SCRATCH = 576;

interface SimdExports {
  md5(p0: number, p1: number, p2: number, p3: number, len: number, out: number): void;
  md4(p0: number, p1: number, p2: number, p3: number, len: number, out: number): void;
  weak(p: number, len: number): number;
}

let compiled: WebAssembly.Module | undefined;

/** Whether the strong hash `hash` (a registry name) has a four-lane kernel. */
export function hasLanes(hash: string): boolean {
  return LANE_HASHES.has(hash);
}

/**
 * The compiled kernel, compiled once per thread that asks: a worker is better handed the module
 * by the thread that compiled it.
 * @throws when the kernel (built by `npm run build`) is missing or invalid.
 */
export function simdSumsModule(): WebAssembly.Module {
  if (compiled === undefined) {
    const url = new URL('./simd-sums.wasm', import.meta.url);
    try {
      compiled = new WebAssembly.Module(readFileSync(url));
    } catch (err) {
      throw new Error(`Cannot load the checksum kernel ${url.pathname}: ${(err as Error).message} (run npm run build)`);
    }
  }
  return compiled;
}

/** Where a {@link SimdSums} of its own memory keeps the bytes to sum ({@link SimdSums.withBuffer}). */
const OWN_BUFFER_AT = 1024;

/**
 * Block sums with WebAssembly SIMD, on bytes that lie in a WebAssembly memory (the scan kernel's,
 * so that nothing is copied): the weak checksum at several times the speed of a JavaScript loop,
 * and MD5 or MD4 of up to four blocks of equal length at once, one per lane (about three times
 * OpenSSL's one-at-a-time speed on 4 KiB blocks).
 */
export class SimdSums {
  readonly #ex: SimdExports;
  readonly #memory: WebAssembly.Memory;
  readonly #scratchAt: number;

  /** Works on `memory`, where {@link SIMD_SCRATCH} bytes at `scratchAt` are its alone. */
  constructor(memory: WebAssembly.Memory, scratchAt: number, module: WebAssembly.Module = simdSumsModule()) {
    this.#ex = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdExports;
    this.#memory = memory;
    this.#scratchAt = scratchAt;
  }

  /**
   * A {@link SimdSums} on a memory of its own, with `bytes` bytes in it to read data into and sum.
   * @param module - the compiled kernel, when a thread that compiled it handed it over.
   */
  static withBuffer(bytes: number, module?: WebAssembly.Module): { sums: SimdSums; buffer: Uint8Array } {
    const memory = new WebAssembly.Memory({ initial: Math.ceil((OWN_BUFFER_AT + bytes) / 65536) });
    return { sums: new SimdSums(memory, 0, module), buffer: new Uint8Array(memory.buffer, OWN_BUFFER_AT, bytes) };
  }

  /** The weak checksum of `data[start .. start + length)` (`data` a view of the memory), as weakParts (rolling.ts) gives it. */
  weak(data: Uint8Array, start: number, length: number): number {
    return this.#ex.weak(data.byteOffset + start, length);
  }

  /**
   * The `hash` digests (md5 or md4: see {@link hasLanes}) of `count` (1-4) consecutive runs of
   * `length` bytes of `data` from `start` (`data` a view of the memory), 16 bytes each, into
   * `out` from `outAt`.
   */
  digestRuns(hash: string, data: Uint8Array, start: number, length: number, count: number, out: Uint8Array, outAt: number): void {
    const p = data.byteOffset + start;
    // Lanes past `count` hash the first run again: their digests are not copied out.
    const at = (j: number) => p + (j < count ? j : 0) * length;
    const s = this.#scratchAt;
    (hash === 'md5' ? this.#ex.md5 : this.#ex.md4)(at(0), at(1), at(2), at(3), length, s);
    out.set(new Uint8Array(this.#memory.buffer, s, 16 * count), outAt);
  }
}

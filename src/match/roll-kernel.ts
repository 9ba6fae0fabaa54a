import { readFileSync } from 'node:fs';
import { SIMD_SCRATCH, SimdSums, simdSumsModule } from '../checksum/simd-sums.js';

/** What roll-kernel.wat exports. */
interface KernelExports {
  memory: WebAssembly.Memory;
  roll(p: number, stop: number, L: number, bits: number, shift: number, a: number, b: number): number;
  rollMasked(p: number, stop: number, L: number, bits: number, shift: number, a: number, b: number, wm: number): number;
}

/** Where the block sums' scratch starts in a kernel's memory (addresses 0-7 hold a and b). */
const SUMS_AT = 64;

/** Where the prefilter starts in a kernel's memory. */
const BITS_AT = (SUMS_AT + SIMD_SCRATCH + 63) & ~63;

/** The compiled kernels a scan uses: the rolling loop, and the block sums (checksum/simd-sums.ts). */
export interface ScanKernel {
  readonly roll: WebAssembly.Module;
  readonly sums: WebAssembly.Module;
}

/**
 * Windows examined per call into the kernel at most. V8 runs a WebAssembly function first as
 * baseline code and switches to optimised code at the next call once it is hot: one call over a
 * whole piece would run its first megabytes at half speed.
 */
const CALL_SPAN = 64 * 1024;

let enabled = true;
let compiled: ScanKernel | undefined;

/**
 * Chooses the scan's hot loop for the scans started after this call on this thread (and the
 * workers they use): the WebAssembly kernel (the default) or the JavaScript one. For tests and
 * benchmarks, which run both.
 */
export function useRollKernel(on: boolean): void {
  enabled = on;
}

/**
 * The compiled kernels, or undefined when they are switched off ({@link useRollKernel}).
 * Compiled once per process: workers are handed these modules with their jobs, not the bytes.
 * @throws when a kernel (built by `npm run build`) is missing or invalid.
 */
export function scanKernel(): ScanKernel | undefined {
  if (!enabled) return undefined;
  if (compiled === undefined) {
    const url = new URL('./roll-kernel.wasm', import.meta.url);
    let roll: WebAssembly.Module;
    try {
      roll = new WebAssembly.Module(readFileSync(url));
    } catch (err) {
      throw new Error(`Cannot load the scan kernel ${url.pathname}: ${(err as Error).message} (run npm run build)`);
    }
    compiled = { roll, sums: simdSumsModule() };
  }
  return compiled;
}

/**
 * One instance of the kernel with its own memory: the prefilter and a read buffer, which the
 * kernel scans in place. Instances are reused on their thread ({@link acquireRollKernel}).
 */
export class RollKernel {
  readonly #kernel: ScanKernel;
  readonly #exports: KernelExports;
  /** Block sums on this kernel's memory: of windows of its buffer, where they are. */
  readonly sums: SimdSums;
  #bitsFrom: Int32Array | undefined;
  /** a and b as the last call left them. */
  #sums: Int32Array;
  /** The read buffer, in the kernel's memory: what {@link RollKernel.roll} scans must be a part of it. */
  buffer: Uint8Array;

  constructor(kernel: ScanKernel) {
    this.#kernel = kernel;
    this.#exports = new WebAssembly.Instance(kernel.roll).exports as unknown as KernelExports;
    this.sums = new SimdSums(this.#exports.memory, SUMS_AT, kernel.sums);
    this.#sums = new Int32Array(this.#exports.memory.buffer, 0, 2);
    this.buffer = new Uint8Array(0);
  }

  /** Whether this instance runs `kernel`. */
  runs(kernel: ScanKernel): boolean {
    return this.#kernel === kernel;
  }

  /** Loads the prefilter `bits` (unless loaded already) and makes {@link RollKernel.buffer} `bytes` long. */
  prepare(bits: Int32Array, bytes: number): void {
    const bufferAt = BITS_AT + ((bits.byteLength + 63) & ~63);
    const needed = bufferAt + bytes;
    const memory = this.#exports.memory;
    if (memory.buffer.byteLength < needed) {
      memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65536));
      this.#bitsFrom = undefined;
    }
    if (this.#bitsFrom !== bits) {
      new Int32Array(memory.buffer, BITS_AT, bits.length).set(bits);
      this.#bitsFrom = bits;
    }
    this.#sums = new Int32Array(memory.buffer, 0, 2);
    this.buffer = new Uint8Array(memory.buffer, bufferAt, bytes);
  }

  /**
   * What rollToCandidate (scan-buffer.ts) does, in the kernel: examines the windows of `buf` (a
   * part of {@link RollKernel.buffer}) from `i` up to `stop`, rolling `sums` (a, b) as it goes,
   * and returns the first that the prefilter lets through, or `stop`.
   */
  roll(buf: Uint8Array, i: number, stop: number, L: number, shift: number, wm: number, sums: Int32Array): number {
    const ex = this.#exports;
    const base = buf.byteOffset;
    const end = base + stop;
    let p = base + i;
    let a = sums[0];
    let b = sums[1];
    for (;;) {
      // A call that stops short of `end` examines one window more than it rolls past, the one
      // the next call starts at, so that the sums it leaves belong to that window.
      const callEnd = Math.min(end, p + CALL_SPAN);
      p = wm === -1 ? ex.roll(p, callEnd, L, BITS_AT, shift, a, b) : ex.rollMasked(p, callEnd, L, BITS_AT, shift, a, b, wm);
      a = this.#sums[0];
      b = this.#sums[1];
      if (p < callEnd || callEnd === end) break;
      p = callEnd - 1;
    }
    sums[0] = a;
    sums[1] = b;
    return p - base;
  }
}

const idle: RollKernel[] = [];

/**
 * An instance of `kernel` with the prefilter `bits` loaded and a read buffer of `bytes` bytes;
 * give it back with {@link releaseRollKernel}. Scans on one thread may overlap (they await
 * reads), so each has an instance of its own; instances are kept for the next scan.
 */
export function acquireRollKernel(kernel: ScanKernel, bits: Int32Array, bytes: number): RollKernel {
  let k: RollKernel | undefined;
  for (let j = idle.length - 1; j >= 0; j--) {
    if (!idle[j].runs(kernel)) continue;
    k = idle[j];
    idle.splice(j, 1);
    break;
  }
  k ??= new RollKernel(kernel);
  k.prepare(bits, bytes);
  return k;
}

/** Returns `k` for reuse; its buffer must not be used afterwards. */
export function releaseRollKernel(k: RollKernel): void {
  k.buffer = new Uint8Array(0);
  if (idle.length < 4) idle.push(k);
}

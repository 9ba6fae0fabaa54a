import { readFileSync } from 'node:fs';
import { SIMD_SCRATCH, SimdSums, simdSumsModule } from '../checksum/simd-sums.js';
import type { LookupTables } from '../index/lookup.js';

/** A loop of roll-kernel.wat.mjs: see there. */
type RollLoop = (p: number, stop: number, end: number, L: number, shift: number, a: number, b: number, slotsAt: number, slotsShift: number, weakAt: number, wm: number) => number;

/** rollPairs of roll-kernel.wat.mjs: see there. */
type PairLoop = (
  p: number,
  stop: number,
  end: number,
  L: number,
  shift: number,
  a: number,
  b: number,
  slotsAt: number,
  slotsShift: number,
  weakAt: number,
  wm: number,
  a2: number,
  b2: number,
  pairsAt: number,
  pairsShift: number,
  lastWeak: number,
  runEnd: number,
  setAt: number,
  setShift: number,
) => number;

/** What roll-kernel.wat.mjs exports. */
interface KernelExports {
  memory: WebAssembly.Memory;
  roll: RollLoop;
  rollMasked: RollLoop;
  rollPairs: PairLoop;
  rollPairFirst: PairLoop;
}

/** The tables the kernel reads, copied into its memory: {@link LookupTables}'. */
export type KernelTables = Pick<LookupTables, 'bits' | 'slots' | 'weak' | 'weakMask' | 'matchRun' | 'pairs' | 'pairsShift' | 'pairSet' | 'pairSetShift' | 'blockCount'>;

/** Where the block sums' scratch starts in a kernel's memory (addresses 0-7 hold a and b). */
const SUMS_AT = 64;

/** Where the prefilter starts in a kernel's memory (as roll-kernel.wat.mjs has it), past the block sums' scratch. */
const BITS_AT = 1024;
if (SUMS_AT + SIMD_SCRATCH > BITS_AT) throw new Error('the scan kernel layout overlaps');

const align64 = (n: number) => (n + 63) & ~63;

/** The share of windows the prefilter lets through above which the pair is tested before it (see rollPairFirst). */
const PAIR_FIRST_FROM = 0.25;

/**
 * The share of windows of random data that the prefilter lets through: at least the share of
 * weak sums that are some block's (zsync's 16-bit sums: 4,096 blocks are 6% of them, 65,536 most),
 * and what its bits let through besides (two bits in a word, as index/lookup.ts sets them).
 */
function prefilterPassRate(t: Pick<KernelTables, 'bits' | 'slots' | 'weakMask'>): number {
  let sums = 0;
  for (let i = 0; i < t.slots.length; i++) if (t.slots[i] !== 0) sums++;
  let maskBits = 0;
  for (let m = t.weakMask; m !== 0; m &= m - 1) maskBits++;
  let bloom = 0;
  for (let i = 0; i < t.bits.length; i++) {
    let x = t.bits[i] - ((t.bits[i] >>> 1) & 0x55555555);
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    const set = (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) / 32;
    bloom += set * set;
  }
  return Math.max(sums / 2 ** maskBits, bloom / t.bits.length);
}

/**
 * Whether the kernel tests a window's pair before the prefilter for the tables `t` (an index of
 * pairs whose prefilter lets more than a quarter of windows through): both ways find the same.
 */
export function testsPairFirst(t: KernelTables): boolean {
  if (t.matchRun !== 2 || t.weakMask === -1) return false;
  // Once per prefilter (each thread's kernels, the main scan and the second look ask again).
  let first = pairFirstOf.get(t.bits);
  if (first === undefined) pairFirstOf.set(t.bits, (first = prefilterPassRate(t) > PAIR_FIRST_FROM));
  return first;
}

const pairFirstOf = new WeakMap<Int32Array, boolean>();

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
 * One instance of the kernel with its own memory: the prefilter, the table of weak sums and a read
 * buffer, which the kernel scans in place. Instances are reused on their thread ({@link acquireRollKernel}).
 */
export class RollKernel {
  readonly #kernel: ScanKernel;
  readonly #exports: KernelExports;
  #tablesFrom: KernelTables | undefined;
  #loop: RollLoop;
  #slotsAt = 0;
  #weakAt = 0;
  #slotsShift = 0;
  /** For an index of pairs (matchRun 2, masked sums): where the pairs filter is, else 0. */
  #pairsAt = 0;
  #pairsShift = 0;
  /** Where the exact set of pairs is (0: none, the filter alone decides). */
  #setAt = 0;
  #setShift = 0;
  #lastWeak = 0;
  /** rollPairs, or rollPairFirst for tables whose prefilter lets many windows through. */
  #pairLoop: PairLoop;
  /** a and b as the last call left them. */
  #sums: Int32Array;
  /** The read buffer, in the kernel's memory: what {@link RollKernel.roll} scans must be a part of it. */
  buffer: Uint8Array;
  /** Block sums on this kernel's memory: of windows of its buffer, where they are. */
  readonly sums: SimdSums;

  constructor(kernel: ScanKernel) {
    this.#kernel = kernel;
    this.#exports = new WebAssembly.Instance(kernel.roll).exports as unknown as KernelExports;
    this.sums = new SimdSums(this.#exports.memory, SUMS_AT, kernel.sums);
    this.#sums = new Int32Array(this.#exports.memory.buffer, 0, 2);
    this.#loop = this.#exports.roll;
    this.#pairLoop = this.#exports.rollPairs;
    this.buffer = new Uint8Array(0);
  }

  /** Whether this instance runs `kernel`. */
  runs(kernel: ScanKernel): boolean {
    return this.#kernel === kernel;
  }

  /** Loads the tables `t` (unless loaded already) and makes {@link RollKernel.buffer} `bytes` long. */
  prepare(t: KernelTables, bytes: number): void {
    const slotsAt = align64(BITS_AT + t.bits.byteLength);
    const weakAt = align64(slotsAt + t.slots.byteLength);
    const pairsAt = align64(weakAt + t.weak.byteLength);
    const setAt = align64(pairsAt + t.pairs.byteLength);
    const bufferAt = align64(setAt + t.pairSet.byteLength);
    const needed = bufferAt + bytes;
    const memory = this.#exports.memory;
    if (memory.buffer.byteLength < needed) {
      memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65536));
      this.#tablesFrom = undefined;
    }
    const f = this.#tablesFrom;
    if (f === undefined || f.bits !== t.bits || f.slots !== t.slots || f.weak !== t.weak || f.pairs !== t.pairs || f.pairSet !== t.pairSet) {
      new Int32Array(memory.buffer, BITS_AT, t.bits.length).set(t.bits);
      new Int32Array(memory.buffer, slotsAt, t.slots.length).set(t.slots);
      new Int32Array(memory.buffer, weakAt, t.weak.length).set(t.weak);
      new Int32Array(memory.buffer, pairsAt, t.pairs.length).set(t.pairs);
      new Int32Array(memory.buffer, setAt, t.pairSet.length).set(t.pairSet);
      this.#tablesFrom = t;
      this.#pairLoop = testsPairFirst(t) ? this.#exports.rollPairFirst : this.#exports.rollPairs;
    }
    this.#loop = t.weakMask === -1 ? this.#exports.roll : this.#exports.rollMasked;
    this.#slotsAt = slotsAt;
    this.#weakAt = weakAt;
    this.#slotsShift = 32 - Math.log2(t.slots.length);
    // The pair check needs the prefilter keyed as for masked sums (an unmasked index of pairs is
    // left to scan-buffer.ts's check).
    this.#pairsAt = t.matchRun === 2 && t.weakMask !== -1 && t.blockCount > 0 ? pairsAt : 0;
    this.#pairsShift = t.pairsShift;
    this.#setAt = t.pairSet.length > 1 ? setAt : 0;
    this.#setShift = t.pairSetShift;
    this.#lastWeak = t.blockCount > 0 ? t.weak[t.blockCount - 1] : 0;
    this.#sums = new Int32Array(memory.buffer, 0, 2);
    this.buffer = new Uint8Array(memory.buffer, bufferAt, bytes);
  }

  /**
   * What rollToCandidate (scan-buffer.ts) does, in the kernel: examines the windows of `buf` (a
   * part of {@link RollKernel.buffer}) from `i` up to `stop`, rolling `sums` (a, b) as it goes,
   * and returns the first whose weak sum (masked with `wm`) is in the table, or `stop`. For an
   * index of pairs, one that cannot begin a pair is passed over, unless it starts at `runEnd`
   * (an index of `buf`: it continues a run); the scan then counts neither as a weak hit.
   */
  roll(buf: Uint8Array, i: number, stop: number, L: number, shift: number, wm: number, sums: Int32Array, runEnd: number): number {
    const base = buf.byteOffset;
    const end = base + stop;
    // Windows whose next window lies in `buf`, and whose rolling past reads no further.
    const pairEnd = this.#pairsAt === 0 ? base : base + Math.min(stop, buf.length - 2 * L);
    let p = base + i;
    let a = sums[0];
    let b = sums[1];
    while (p < end) {
      let callEnd: number;
      if (p < pairEnd) {
        callEnd = Math.min(pairEnd, p + CALL_SPAN);
        const s2 = this.sums.weak(buf, p - base + L, L);
        p = this.#pairLoop(p, callEnd, end, L, shift, a, b, this.#slotsAt, this.#slotsShift, this.#weakAt, wm, s2 & 0xffff, s2 >>> 16, this.#pairsAt, this.#pairsShift, this.#lastWeak, base + runEnd, this.#setAt, this.#setShift);
      } else {
        callEnd = Math.min(end, p + CALL_SPAN);
        p = this.#loop(p, callEnd, end, L, shift, a, b, this.#slotsAt, this.#slotsShift, this.#weakAt, wm);
      }
      a = this.#sums[0];
      b = this.#sums[1];
      if (p < callEnd) break;
    }
    sums[0] = a;
    sums[1] = b;
    return Math.min(p, end) - base;
  }
}

const idle: RollKernel[] = [];

/**
 * An instance of `kernel` with the tables `t` loaded and a read buffer of `bytes` bytes, or
 * undefined when they do not fit in a WebAssembly memory; give it back with
 * {@link releaseRollKernel}. Scans on one thread may overlap (they await
 * reads), so each has an instance of its own; instances are kept for the next scan.
 */
export function acquireRollKernel(kernel: ScanKernel, t: KernelTables, bytes: number): RollKernel | undefined {
  let k: RollKernel | undefined;
  for (let j = idle.length - 1; j >= 0; j--) {
    if (!idle[j].runs(kernel)) continue;
    k = idle[j];
    idle.splice(j, 1);
    break;
  }
  k ??= new RollKernel(kernel);
  try {
    k.prepare(t, bytes);
  } catch (err) {
    // A WebAssembly memory holds 4 GiB at most: tables and pieces past that are scanned in JavaScript.
    if (err instanceof RangeError) return undefined;
    throw err;
  }
  return k;
}

/** Returns `k` for reuse; its buffer must not be used afterwards. */
export function releaseRollKernel(k: RollKernel): void {
  k.buffer = new Uint8Array(0);
  // Each holds a copy of the tables and two pieces: two kept per thread bound what idles.
  if (idle.length < 2) idle.push(k);
}

import type { StrongHash } from '../checksum/strong-hash.js';
import { weakParts } from '../checksum/rolling.js';
import { hasLanes } from '../checksum/simd-sums.js';
import { digestKey, GOLDEN, type LookupTables, pairBit, pairInSet } from '../index/lookup.js';
import { equalBytes } from '../util/bytes.js';
import { LITTLE_ENDIAN } from '../util/endian.js';
import { MatchList, type ScanCounters } from './match-list.js';
import type { RollKernel, ScanKernel } from './roll-kernel.js';

/** A scanner's view of the tables: the prefilter copied out of shared memory, which V8 reads faster. */
export interface ScanTables extends LookupTables {
  readonly localBits: Int32Array;
  /** Representative of the block just before the short last block (-1 if none): see {@link scanBuffer}. */
  readonly tailAnchor: number;
  /** The WebAssembly hot loop to scan with (see roll-kernel.ts), or undefined for the JavaScript one. */
  readonly kernel: ScanKernel | undefined;
}

/** Prepares {@link ScanTables} for one thread, to scan with `kernel` (see roll-kernel.ts) when given. */
export function scanTables(t: LookupTables, kernel?: ScanKernel): ScanTables {
  const n = t.blockCount;
  // Every field named, in one order: a spread (`{ ...t }`) gives each copy a map of its own, and
  // the scan functions, which see a new one every call, were deoptimised again and again.
  return {
    blockSize: t.blockSize,
    blockCount: n,
    weakMask: t.weakMask,
    matchRun: t.matchRun,
    paddedTail: t.paddedTail,
    tailLength: t.tailLength,
    strongHash: t.strongHash,
    strongLength: t.strongLength,
    weak: t.weak,
    strong: t.strong,
    bits: t.bits,
    bitsShift: t.bitsShift,
    slots: t.slots,
    slotsShift: t.slotsShift,
    sameWeakNext: t.sameWeakNext,
    digestSlots: t.digestSlots,
    digestShift: t.digestShift,
    groupOf: t.groupOf,
    shortLength: t.shortLength,
    pairs: t.pairs,
    pairSet: t.pairSet,
    pairSetShift: t.pairSetShift,
    pairsShift: t.pairsShift,
    localBits: t.bits.slice(),
    tailAnchor: t.shortLength && n >= 2 ? t.groupOf[n - 2] : -1,
    kernel,
  };
}

/** A local copy of GOLDEN: an imported binding costs a context load and a hole check per use in V8. */
const MIX = 0x9e3779b1 | 0;

/** Rolling state carried between calls of {@link rollToCandidate}: a, b of the window. */
const state = new Int32Array(2);


/**
 * A 32-bit view of `buf` for {@link rollToCandidate}, when it can be used: the bytes are
 * 4-aligned, the machine is little-endian, and the block size is a multiple of 4 (so the bytes
 * leaving and entering the window are aligned alike).
 */
export function wordsOf(buf: Uint8Array, blockSize: number): Uint32Array | undefined {
  if (!LITTLE_ENDIAN || (buf.byteOffset & 3) !== 0 || (blockSize & 3) !== 0) return undefined;
  return new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
}

/**
 * The hot loop: rolls the window from `i` while the prefilter rejects it, up to `stop`; returns
 * the first offset the prefilter lets through (or `stop`). `state` holds a and b; they are kept
 * as int32 and masked only where the value is formed, which is exact because only the low 16
 * bits of either ever reach it.
 *
 * Where `words` is given, four offsets are done per turn with the leaving and entering bytes
 * taken from one 32-bit load each: V8 checks the map and bounds of every typed-array access, and
 * this saves six of the eight byte loads (about 30% fewer instructions, counted with callgrind).
 */
function rollToCandidate(
  buf: Uint8Array,
  words: Uint32Array | undefined,
  i: number,
  stop: number,
  L: number,
  bits: Int32Array,
  shift: number,
): number {
  let a = state[0];
  let b = state[1];
  const Lm = L & 0xffff;
  // Rolling reads the byte after the window, so the last window is examined without rolling:
  // a read past the end of `buf` would deoptimise the loop.
  const last = stop - 1;
  // The prefilter test is prefilterMask (index/lookup.ts) written out: a call here would cost.
  let h = 0;
  let m = 0;
  found: {
    // Byte steps run up to `until`: first to a 4-aligned offset (when words are used), at the
    // end up to `stop`. One loop serves both, so V8 has its type feedback whenever it optimises
    // (a tail loop of its own, reached only at a piece's end, deoptimised the function each time).
    let until = words ? Math.min(last, i + ((4 - (i & 3)) & 3)) : stop;
    for (;;) {
      for (; i < until; i++) {
        h = Math.imul((a & 0xffff) | (b << 16), MIX);
        m = (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
        if ((bits[h >>> shift] & m) === m) break found;
        if (i === last) {
          i = stop;
          break found;
        }
        const o = buf[i];
        a = (a - o + buf[i + L]) | 0;
        b = (b - Math.imul(Lm, o) + a) | 0;
      }
      if (until === stop || !words) break;
      const lw = L >>> 2;
      for (; i + 4 <= last; i += 4) {
        const wo = words[i >>> 2];
        const wi = words[(i >>> 2) + lw];
        h = Math.imul((a & 0xffff) | (b << 16), MIX);
        m = (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
        if ((bits[h >>> shift] & m) === m) break found;
        let o = wo & 255;
        a = (a - o + (wi & 255)) | 0;
        b = (b - Math.imul(Lm, o) + a) | 0;
        h = Math.imul((a & 0xffff) | (b << 16), MIX);
        m = (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
        if ((bits[h >>> shift] & m) === m) {
          i += 1;
          break found;
        }
        o = (wo >>> 8) & 255;
        a = (a - o + ((wi >>> 8) & 255)) | 0;
        b = (b - Math.imul(Lm, o) + a) | 0;
        h = Math.imul((a & 0xffff) | (b << 16), MIX);
        m = (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
        if ((bits[h >>> shift] & m) === m) {
          i += 2;
          break found;
        }
        o = (wo >>> 16) & 255;
        a = (a - o + ((wi >>> 16) & 255)) | 0;
        b = (b - Math.imul(Lm, o) + a) | 0;
        h = Math.imul((a & 0xffff) | (b << 16), MIX);
        m = (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
        if ((bits[h >>> shift] & m) === m) {
          i += 3;
          break found;
        }
        o = wo >>> 24;
        a = (a - o + (wi >>> 24)) | 0;
        b = (b - Math.imul(Lm, o) + a) | 0;
      }
      until = stop;
    }
  }
  state[0] = a;
  state[1] = b;
  return i;
}

/** {@link rollToCandidate} for an index that keeps only the bits `wm` of its weak sums: a copy, so that the common case pays nothing for the mask. */
function rollToCandidateMasked(
  buf: Uint8Array,
  words: Uint32Array | undefined,
  i: number,
  stop: number,
  L: number,
  bits: Int32Array,
  shift: number,
  wm: number,
): number {
  let a = state[0];
  let b = state[1];
  const Lm = L & 0xffff;
  // Rolling reads the byte after the window, so the last window is examined without rolling:
  // a read past the end of `buf` would deoptimise the loop.
  const last = stop - 1;
  // The prefilter test is prefilterMask(imul(prefilterKey(w), GOLDEN)) (index/lookup.ts) written
  // out: a call here would cost.
  let h = 0;
  let m = 0;
  let x = 0;
  found: {
    // Byte steps run up to `until`: first to a 4-aligned offset (when words are used), at the
    // end up to `stop`. One loop serves both, so V8 has its type feedback whenever it optimises
    // (a tail loop of its own, reached only at a piece's end, deoptimised the function each time).
    let until = words ? Math.min(last, i + ((4 - (i & 3)) & 3)) : stop;
    for (;;) {
      for (; i < until; i++) {
        x = ((a & 0xffff) | (b << 16)) & wm;
        h = Math.imul(x ^ (x >>> 16), MIX);
        m = (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
        if ((bits[h >>> shift] & m) === m) break found;
        if (i === last) {
          i = stop;
          break found;
        }
        const o = buf[i];
        a = (a - o + buf[i + L]) | 0;
        b = (b - Math.imul(Lm, o) + a) | 0;
      }
      if (until === stop || !words) break;
      const lw = L >>> 2;
      for (; i + 4 <= last; i += 4) {
        const wo = words[i >>> 2];
        const wi = words[(i >>> 2) + lw];
        x = ((a & 0xffff) | (b << 16)) & wm;
        h = Math.imul(x ^ (x >>> 16), MIX);
        m = (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
        if ((bits[h >>> shift] & m) === m) break found;
        let o = wo & 255;
        a = (a - o + (wi & 255)) | 0;
        b = (b - Math.imul(Lm, o) + a) | 0;
        x = ((a & 0xffff) | (b << 16)) & wm;
        h = Math.imul(x ^ (x >>> 16), MIX);
        m = (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
        if ((bits[h >>> shift] & m) === m) {
          i += 1;
          break found;
        }
        o = (wo >>> 8) & 255;
        a = (a - o + ((wi >>> 8) & 255)) | 0;
        b = (b - Math.imul(Lm, o) + a) | 0;
        x = ((a & 0xffff) | (b << 16)) & wm;
        h = Math.imul(x ^ (x >>> 16), MIX);
        m = (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
        if ((bits[h >>> shift] & m) === m) {
          i += 2;
          break found;
        }
        o = (wo >>> 16) & 255;
        a = (a - o + ((wi >>> 16) & 255)) | 0;
        b = (b - Math.imul(Lm, o) + a) | 0;
        x = ((a & 0xffff) | (b << 16)) & wm;
        h = Math.imul(x ^ (x >>> 16), MIX);
        m = (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
        if ((bits[h >>> shift] & m) === m) {
          i += 3;
          break found;
        }
        o = wo >>> 24;
        a = (a - o + (wi >>> 24)) | 0;
        b = (b - Math.imul(Lm, o) + a) | 0;
      }
      until = stop;
    }
  }
  state[0] = a;
  state[1] = b;
  return i;
}


/**
 * At most this many strong digests are computed for the windows that start within any
 * `blockSize` consecutive offsets, besides the one that finds a match (which the scan then jumps
 * past): see {@link ScanState}. Bounds the bytes hashed to (HASH_LIMIT + 1) × the local file size.
 */
export const HASH_LIMIT = 4;

/**
 * What a scan carries from one offset to the next besides the rolling sum: the windows it
 * strong-hashed recently, which bound the cost of repeated weak hits.
 *
 * - A window whose (masked) weak sum equals that of a window hashed less than a block before
 *   (that did not match, or, in the second look, which does not jump, that matched) is not
 *   hashed again: in a constant or periodic region every window has the same weak sum.
 * - When {@link HASH_LIMIT} windows were hashed in the last `blockSize` offsets, no more are.
 *
 * Both depend on what was examined less than a block before, so a scan that starts elsewhere
 * agrees with this one once both have examined the same offsets for a block (see parallel-scan.ts).
 */
export interface ScanState {
  /** Hashed windows that matched nothing, in offset order: `pos` the file offset, `block` the window's class (see windowClass). */
  readonly hashed: MatchList;
  /** In the second look (which does not jump past matches): the windows that matched, the same way. */
  readonly matched: MatchList;
  /**
   * For the pair check ({@link LookupTables.pairs}): the rolling sum (a, b) of the window one
   * block after offset `nextAt` of buffer `nextBuf`, carried forward from one weak hit to the
   * next so that it costs about one byte step per offset, not a block per weak hit.
   */
  nextBuf: Uint8Array | undefined;
  nextAt: number;
  nextA: number;
  nextB: number;
  /** File offset just past the last match: a window there continues a run, and needs no pair check. */
  runEnd: number;
  /** The weak sum and class of windows ruled out by the class rule up to offset `skipUntil` (exclusive). */
  skipW: number;
  skipCls: number;
  skipUntil: number;
  /**
   * Digests computed ahead (see {@link digestAt}): of the `aheadCount` windows of `aheadBuf` at
   * `aheadAt`, `aheadAt + blockSize`, …, 16 bytes each.
   */
  readonly ahead: Uint8Array;
  aheadBuf: Uint8Array | undefined;
  aheadAt: number;
  aheadCount: number;
}

/** Blocks after the end of the last run within which windows in step with it are spared the hash limit. */
const IN_STEP_BLOCKS = 8;

/** Whether `pos` is a whole number of blocks (at most {@link IN_STEP_BLOCKS}) after the end of the last run. */
function inStep(pos: number, st: ScanState, L: number): boolean {
  const d = pos - st.runEnd;
  return st.runEnd >= 0 && d > 0 && d <= IN_STEP_BLOCKS * L && d % L === 0;
}

/** Records that windows of weak sum `w` and class `cls` are ruled out until offset `until`. */
function noteRuledOut(st: ScanState, w: number, cls: number, until: number): void {
  st.skipW = w;
  st.skipCls = cls;
  st.skipUntil = until;
}

/**
 * How far back a scan remembers the windows it hashed: one offset more than a block, so that in
 * data whose period divides the block size the windows hashed move on to other phases from one
 * block of offsets to the next, instead of hashing the same phases for ever (and missing a block
 * that starts at another phase).
 */
export function memorySpan(t: Pick<ScanTables, 'blockSize'>): number {
  return t.blockSize + 1;
}

/**
 * What tells windows with one weak sum apart cheaply: the weak sum mixed with the window's first
 * four bytes. Windows of a constant region are one class (hashed once a block); the phases of a
 * periodic one whose weak sums collide are not, so the phase that holds a block gets its turn.
 */
function windowClass(w: number, buf: Uint8Array, i: number, L: number): number {
  const head = L >= 4 ? buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24) : buf[i];
  return w ^ Math.imul(head, 0x85ebca6b);
}

/** The distinct block with weak sum `w` and strong digest `digest` (its first `strongLength` bytes), or -1. */
function blockWithDigest(t: ScanTables, w: number, digest: Uint8Array): number {
  const sl = t.strongLength;
  const slots = t.digestSlots;
  const mask = slots.length - 1;
  let s = digestKey(w, digest, 0, sl) >>> t.digestShift;
  let e: number;
  while ((e = slots[s]) !== 0) {
    const k = e - 1;
    if (t.weak[k] === w && equalBytes(t.strong, k * sl, digest, 0, sl)) return k;
    s = (s + 1) & mask;
  }
  return -1;
}

/** A fresh {@link ScanState}. */
export function newScanState(): ScanState {
  return {
    hashed: new MatchList(16),
    matched: new MatchList(16),
    nextBuf: undefined,
    nextAt: 0,
    nextA: 0,
    nextB: 0,
    runEnd: -1,
    skipW: 0,
    skipCls: 0,
    skipUntil: -1,
    ahead: new Uint8Array(64),
    aheadBuf: undefined,
    aheadAt: 0,
    aheadCount: 0,
  };
}

/**
 * How far past a window's start the scan reads: a block, and the short last block after it; for
 * an index of pairs, the next window too. A buffer handed to {@link scanBuffer} reaches this far
 * past its last window start (or to the end of the file), so that what the scan decides at an
 * offset never depends on where a buffer ends: a parallel scan's chunks fall in step with the
 * single-threaded scan only if so (at 16-bit sums a window without its pair checked is hashed).
 */
export function windowReach(t: Pick<ScanTables, 'blockSize' | 'shortLength' | 'matchRun'>): number {
  return t.matchRun > 1 ? 2 * t.blockSize : t.blockSize + t.shortLength;
}

/**
 * Whether the window at `buf[i ..]` (weak sum `w`) can begin a run of two blocks: the window a
 * block later must have the weak sum of a block that follows one with sum `w` (zsync's check of
 * the next block before any strong hash). True when the index has no such rule, when a block
 * with sum `w` is the last (nothing follows it), or when the next window is not in `buf`.
 */
function pairPossible(t: ScanTables, w: number, buf: Uint8Array, i: number, pos: number, st: ScanState): boolean {
  if (t.matchRun < 2 || w === t.weak[t.blockCount - 1] || pos === st.runEnd) return true;
  const L = t.blockSize;
  if (i + 2 * L > buf.length) return true;
  let a: number;
  let b: number;
  if (st.nextBuf === buf && st.nextAt <= i && i - st.nextAt < L) {
    a = st.nextA;
    b = st.nextB;
    const Lm = L & 0xffff;
    for (let q = st.nextAt; q < i; q++) {
      const o = buf[q + L];
      a = (a - o + buf[q + 2 * L]) | 0;
      b = (b - Math.imul(Lm, o) + a) | 0;
    }
  } else {
    const s = weakParts(buf, i + L, i + 2 * L);
    a = s & 0xffff;
    b = s >>> 16;
  }
  st.nextBuf = buf;
  st.nextAt = i;
  st.nextA = a;
  st.nextB = b;
  const next = ((a & 0xffff) | (b << 16)) & t.weakMask;
  const h = pairBit(w, next);
  const m = (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
  return (t.pairs[h >>> t.pairsShift] & m) === m && pairInSet(t, w, next, h);
}

/**
 * The strong digest of the window `buf[i .. i + L)` (file offset `pos`). Within a run of matches
 * (`pos` where the last one ended), where the next windows most likely match too, the kernel's
 * four-lane hasher digests this window and up to three that follow it a block apart at once, and
 * those are taken from {@link ScanState.ahead} when the scan gets there. Either way the digest is
 * that of the window's bytes: what the scan decides does not change.
 */
function digestAt(hash: StrongHash, buf: Uint8Array, i: number, pos: number, L: number, st: ScanState, kernel: RollKernel | undefined): Uint8Array {
  if (st.aheadBuf === buf && i >= st.aheadAt) {
    const d = i - st.aheadAt;
    const j = d / L;
    if (j < st.aheadCount && d % L === 0) return st.ahead.subarray(16 * j, 16 * j + 16);
  }
  if (kernel === undefined || pos !== st.runEnd || !hasLanes(hash.name)) return hash.digest(buf.subarray(i, i + L));
  const count = Math.min(4, Math.floor((buf.length - i) / L));
  kernel.sums.digestRuns(hash.name, buf, i, L, count, st.ahead, 0);
  st.aheadBuf = buf;
  st.aheadAt = i;
  st.aheadCount = count;
  return st.ahead.subarray(0, 16);
}

/**
 * The representative block whose content is `buf[i .. i + blockSize)` (file offset `pos`), or
 * -1. Called only when the prefilter passed; computes the strong digest only when the weak sum
 * is in the table and the bound of {@link ScanState} allows it.
 */
function lookupFull(t: ScanTables, hash: StrongHash, w: number, buf: Uint8Array, i: number, pos: number, c: ScanCounters, st: ScanState, kernel: RollKernel | undefined): number {
  const slots = t.slots;
  const mask = slots.length - 1;
  let s = Math.imul(w, GOLDEN) >>> t.slotsShift;
  let e: number;
  while ((e = slots[s]) !== 0) {
    if (t.weak[e - 1] === w) break;
    s = (s + 1) & mask;
  }
  if (e === 0 || !pairPossible(t, w, buf, i, pos, st)) return -1;
  c.weakHits++;
  const h = st.hashed;
  const since = pos - memorySpan(t);
  const cls = windowClass(w, buf, i, t.blockSize);
  let recent = 0;
  for (let j = h.length - 1; j >= 0 && h.pos[j] > since; j--) {
    if (h.block[j] === cls) {
      noteRuledOut(st, w, cls, h.pos[j] + memorySpan(t));
      return -1;
    }
    recent++;
  }
  // The limit spares a window in step with the last run found, a few blocks on: where an edit in
  // place ends, the next block starts there, and false hits in the edit must not crowd it out.
  if (recent >= HASH_LIMIT && !inStep(pos, st, t.blockSize)) return -1;
  c.digests++;
  const digest = digestAt(hash, buf, i, pos, t.blockSize, st, kernel);
  const k = blockWithDigest(t, w, digest);
  if (k >= 0) {
    c.strongHits++;
    return k;
  }
  h.push(pos, cls);
  noteRuledOut(st, w, cls, pos + memorySpan(t));
  return -1;
}

/** {@link lookupFull} for the second look, which also remembers the windows that matched: a copy, so that the two keep apart type feedback. */
function lookupEvery(t: ScanTables, hash: StrongHash, w: number, buf: Uint8Array, i: number, pos: number, c: ScanCounters, st: ScanState): number {
  const slots = t.slots;
  const mask = slots.length - 1;
  let s = Math.imul(w, GOLDEN) >>> t.slotsShift;
  let e: number;
  while ((e = slots[s]) !== 0) {
    if (t.weak[e - 1] === w) break;
    s = (s + 1) & mask;
  }
  if (e === 0 || !pairPossible(t, w, buf, i, pos, st)) return -1;
  c.weakHits++;
  const h = st.hashed;
  const since = pos - memorySpan(t);
  const cls = windowClass(w, buf, i, t.blockSize);
  let recent = 0;
  for (let j = h.length - 1; j >= 0 && h.pos[j] > since; j--) {
    if (h.block[j] === cls) return -1;
    recent++;
  }
  // A window like one that matched lately is that block again: not hashed. Matches do not count
  // against the limit, which is for hashes that found nothing (overlapping repeats match densely).
  const m = st.matched;
  for (let j = m.length - 1; j >= 0 && m.pos[j] > since; j--) if (m.block[j] === cls) return -1;
  if (recent >= HASH_LIMIT) return -1;
  c.digests++;
  const digest = hash.digest(buf.subarray(i, i + t.blockSize));
  const k = blockWithDigest(t, w, digest);
  if (k >= 0) {
    c.strongHits++;
    m.push(pos, cls);
    return k;
  }
  h.push(pos, cls);
  return -1;
}

/** True when `buf[i .. i + shortLength)` is the short last block. */
export function isShortBlockAt(t: ScanTables, hash: StrongHash, buf: Uint8Array, i: number, c: ScanCounters): boolean {
  const S = t.shortLength;
  if (S === 0 || i + S > buf.length) return false;
  c.comparisons++;
  if ((weakParts(buf, i, i + S) & t.weakMask) !== t.weak[t.blockCount - 1]) return false;
  c.weakHits++;
  c.digests++;
  const digest = hash.digest(buf.subarray(i, i + S));
  if (!equalBytes(t.strong, (t.blockCount - 1) * t.strongLength, digest, 0, t.strongLength)) return false;
  c.strongHits++;
  return true;
}

/**
 * Scans the windows that start at file offsets `from ≤ p < to` against the index: the heart of
 * the engine. At every offset the weak sum rolls by one byte; the prefilter rejects almost every
 * offset with one load; the table and then the strong digest are consulted only when it does
 * not. After a match the scan moves past the matched block.
 *
 * A decision at an offset depends on the bytes there and on the windows hashed less than a block
 * before ({@link ScanState}), never on matches further back: a scan that starts anywhere falls
 * into step with any other once both have examined the same offsets for a block. This is what
 * lets the parallel scan reproduce the single-threaded one exactly.
 *
 * The short last block of the reference (when its sums cover its real length) is looked for
 * right after every match of the block that precedes it in the reference, at no cost to the
 * rolling loop. A short match is recorded but does not move the scan.
 *
 * @param buf - bytes of the file from offset `base`; must reach `min(to - 1 + windowReach(t), fileEnd)`.
 * @param fileEnd - size of the local file (windows never extend past it).
 * @param kernel - the WebAssembly hot loop to roll with; `buf` must then be part of its buffer.
 * @returns the next offset to examine (≥ `to`; past it when a match jumped over the end).
 */
export function scanBuffer(
  t: ScanTables,
  hash: StrongHash,
  buf: Uint8Array,
  base: number,
  from: number,
  to: number,
  fileEnd: number,
  out: MatchList,
  c: ScanCounters,
  st: ScanState = newScanState(),
  kernel?: RollKernel,
): number {
  const L = t.blockSize;
  const bits = t.localBits;
  const shift = t.bitsShift;
  const wm = t.weakMask;
  const hasFull = t.blockCount > (t.shortLength ? 1 : 0);
  const stop = Math.min(to, fileEnd - L + 1) - base;
  const words = kernel ? undefined : wordsOf(buf, L);
  let i = from - base;
  while (hasFull && i < stop) {
    const s = kernel ? kernel.sums.weak(buf, i, L) : weakParts(buf, i, i + L);
    state[0] = s & 0xffff;
    state[1] = s >>> 16;
    const start = i;
    let k = -1;
    for (;;) {
      if (kernel) i = kernel.roll(buf, i, stop, L, shift, wm, state, st.runEnd - base);
      else i = wm === -1 ? rollToCandidate(buf, words, i, stop, L, bits, shift) : rollToCandidateMasked(buf, words, i, stop, L, bits, shift, wm);
      if (i >= stop) break;
      k = lookupFull(t, hash, ((state[0] & 0xffff) | (state[1] << 16)) & wm, buf, i, i + base, c, st, kernel);
      if (k >= 0) break;
      // A false candidate: roll past it by hand and go on. While the windows that follow are of
      // the class just ruled out (a constant region, a crafted index), lookupFull would rule them
      // out too: they are passed here, counted as it would count them, without a call each.
      if (++i >= stop) break;
      let o = buf[i - 1];
      state[0] = (state[0] - o + buf[i - 1 + L]) | 0;
      state[1] = (state[1] - Math.imul(L & 0xffff, o) + state[0]) | 0;
      while (i + 1 < stop && i + base < st.skipUntil) {
        const w = ((state[0] & 0xffff) | (state[1] << 16)) & wm;
        if (w !== st.skipW || windowClass(w, buf, i, L) !== st.skipCls) break;
        c.weakHits++;
        i++;
        o = buf[i - 1];
        state[0] = (state[0] - o + buf[i - 1 + L]) | 0;
        state[1] = (state[1] - Math.imul(L & 0xffff, o) + state[0]) | 0;
      }
    }
    c.comparisons += (k >= 0 ? i + 1 : i) - start;
    if (k < 0) break;
    out.push(i + base, k);
    st.runEnd = i + base + L;
    if (k === t.tailAnchor && isShortBlockAt(t, hash, buf, i + L, c)) out.push(i + base + L, t.blockCount - 1);
    i += L;
  }
  return Math.max(i + base, to);
}

/**
 * {@link scanEveryOffset}'s loop with the kernel rolling to each window whose sum is in the
 * table (fast from the first byte: the JavaScript loop runs once per scan, mostly before V8 has
 * optimised it); the same windows examined, in the same order, with the same counts.
 */
function everyOffsetInKernel(t: ScanTables, hash: StrongHash, buf: Uint8Array, base: number, i: number, stop: number, out: MatchList, c: ScanCounters, st: ScanState, kernel: RollKernel): void {
  const L = t.blockSize;
  const wm = t.weakMask;
  const s = kernel.sums.weak(buf, i, L);
  state[0] = s & 0xffff;
  state[1] = s >>> 16;
  c.comparisons += stop - i;
  for (;;) {
    i = kernel.roll(buf, i, stop, L, t.bitsShift, wm, state, st.runEnd - base);
    if (i >= stop) return;
    const k = lookupEvery(t, hash, ((state[0] & 0xffff) | (state[1] << 16)) & wm, buf, i, i + base, c, st);
    if (k >= 0) {
      out.push(i + base, k);
      st.runEnd = i + base + L;
      if (k === t.tailAnchor && isShortBlockAt(t, hash, buf, i + L, c)) out.push(i + base + L, t.blockCount - 1);
    }
    if (++i >= stop) return;
    const o = buf[i - 1];
    state[0] = (state[0] - o + buf[i - 1 + L]) | 0;
    state[1] = (state[1] - Math.imul(L & 0xffff, o) + state[0]) | 0;
  }
}

/**
 * The second look (see scan.ts): examines every window start `from ≤ p < to`, a match moving
 * one byte, not a block. A plain loop of its own: sharing {@link scanBuffer} would mix its type
 * feedback into the main scan's, which V8 then optimises less well (measured: 2× slower).
 * @returns `to` (or where windows end).
 */
export function scanEveryOffset(
  t: ScanTables,
  hash: StrongHash,
  buf: Uint8Array,
  base: number,
  from: number,
  to: number,
  fileEnd: number,
  out: MatchList,
  c: ScanCounters,
  st: ScanState,
  kernel?: RollKernel,
): number {
  const L = t.blockSize;
  const bits = t.localBits;
  const shift = t.bitsShift;
  const wm = t.weakMask;
  const Lm = L & 0xffff;
  const stop = Math.min(to, fileEnd - L + 1) - base;
  let i = from - base;
  if (t.blockCount <= (t.shortLength ? 1 : 0) || i >= stop) return to;
  if (kernel) {
    everyOffsetInKernel(t, hash, buf, base, i, stop, out, c, st, kernel);
    return to;
  }
  const s = weakParts(buf, i, i + L);
  let a = s & 0xffff;
  let b = s >>> 16;
  for (;;) {
    c.comparisons++;
    const w = ((a & 0xffff) | (b << 16)) & wm;
    const h = Math.imul(wm === -1 ? w : w ^ (w >>> 16), MIX);
    const m = (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
    if ((bits[h >>> shift] & m) === m) {
      const k = lookupEvery(t, hash, w, buf, i, i + base, c, st);
      if (k >= 0) {
        out.push(i + base, k);
        st.runEnd = i + base + L;
        if (k === t.tailAnchor && isShortBlockAt(t, hash, buf, i + L, c)) out.push(i + base + L, t.blockCount - 1);
      }
    }
    if (i + 1 >= stop) break;
    const o = buf[i];
    a = (a - o + buf[i + L]) | 0;
    b = (b - Math.imul(Lm, o) + a) | 0;
    i++;
  }
  return to;
}

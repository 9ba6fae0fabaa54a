import { sharedArray, sharedCopy } from '../util/shared-memory.js';
import { equalBytes } from '../util/bytes.js';
import { type BlockIndex, blockLength, matchRunOf, weakMaskOf } from './block-index.js';

/** Multiplier of the multiplicative hash that spreads weak sums over the prefilter and table. */
export const GOLDEN = 0x9e3779b1 | 0;

/**
 * The two bits that a weak sum hashed to `h` sets in (and needs from) its prefilter word: a Bloom
 * filter with two probes kept in one 32-bit word, so a test is still a single load. At the same
 * size it lets through a fraction of what one bit per sum does (0.27% of offsets at 256 KiB and
 * 0.12% at 512 KiB against 0.78% at 512 KiB, for a 32,768-block index).
 */
export function prefilterMask(h: number): number {
  return (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
}

/**
 * The search structures a scanner needs, all in shared memory so that worker threads read the
 * same tables without copying:
 *
 * - `bits`: a prefilter, a Bloom filter of two bits per weak sum within one 32-bit word, 128 bits
 *   per block within 32 KiB to 256 KiB (larger tables cost more in cache misses than they save),
 *   which rejects nearly every offset with one load;
 * - `slots`: an open-addressing table from weak sum to the first distinct block with that sum;
 * - `sameWeakNext`: further distinct blocks with the same weak sum (a chain, -1 ends it);
 * - `groupOf`: for every block, the first block with identical content (its representative).
 *   Only representatives are in the table, so a file of repeated blocks costs one lookup.
 *
 * `weak` and `strong` are the index's own, copied into shared memory.
 *
 * The short last block (when the size is not a multiple of the block size and its sums cover its
 * real length) is kept apart (`shortLength`); see match/scan.ts for where it is looked for. A
 * zero-padded last block ({@link BlockIndex.paddedTail}) is a full-size block in the table.
 *
 * Only the bits of `weakMask` of every weak sum are used anywhere (prefilter, table, chains).
 */
export interface LookupTables
  extends Pick<BlockIndex, 'blockSize' | 'blockCount' | 'strongHash' | 'strongLength' | 'weak' | 'strong'> {
  /**
   * The bits of a weak sum that are compared ({@link BlockIndex.weakMask}; -1: all). `weak` holds
   * the index's sums with this mask applied, and the prefilter and table are keyed by them: a
   * scanner masks its rolling sum the same way before any test.
   */
  readonly weakMask: number;
  /** {@link BlockIndex.matchRun}: 1, or 2 when a block counts only together with its successor. */
  readonly matchRun: number;
  /**
   * Whether the last block is a zero-padded full-size block ({@link BlockIndex.paddedTail}) whose
   * real length is `tailLength`; it is then in the table like any other block.
   */
  readonly paddedTail: boolean;
  /** Real length of the last block (the block size when the file size is a multiple of it; 0 when empty). */
  readonly tailLength: number;
  /** The prefilter bitset. */
  readonly bits: Int32Array;
  /**
   * `32 - log2(word count)`: weak sum w passes the prefilter when, with `h = imul(w, GOLDEN)`
   * (`imul(prefilterKey(w), GOLDEN)` when masked), word `h >>> bitsShift` has both bits of
   * `prefilterMask(h)` set.
   */
  readonly bitsShift: number;
  /** Open-addressing table: 1 + the first distinct block with a weak sum, 0 for empty. */
  readonly slots: Int32Array;
  /** `32 - log2(slot count)`. */
  readonly slotsShift: number;
  /** Next distinct block with the same weak sum, -1 at the end of the chain. */
  readonly sameWeakNext: Int32Array;
  /**
   * Open-addressing table from a weak sum and the first bytes of a strong digest to the distinct
   * block with both (1 + block, 0 for empty; keyed by {@link digestKey}): a digest computed at
   * a weak hit finds its block in a probe or two, however many blocks share the weak sum (a
   * crafted index of 32,768 blocks with one sum walked a 32,768-long chain per digest).
   */
  readonly digestSlots: Int32Array;
  /** `32 - log2(size of digestSlots)`. */
  readonly digestShift: number;
  /** For every block, the first block with the same content. */
  readonly groupOf: Int32Array;
  /** Length of the last block when it is short, else 0. */
  readonly shortLength: number;
  /**
   * With `matchRun` 2: a Bloom filter of the pairs of weak sums of consecutive blocks, two bits
   * per pair in one word as in the prefilter (`h = pairBit(weak[k], weak[k + 1])`, word
   * `h >>> pairsShift`, bits `prefilterMask(h)`); a window is strong-hashed only when the window a
   * block later makes a pair with it, as zsync checks the next block's sum first. One word otherwise.
   */
  readonly pairs: Int32Array;
  /** `32 - log2(word count of pairs)`. */
  readonly pairsShift: number;
  /**
   * With `matchRun` 2: the exact set of pairs of consecutive weak sums, asked when `pairs`
   * lets a pair through (a Bloom filter of two bits in a word lets about 5 in 10,000 false pairs
   * through, and at 16-bit weak sums, where most offsets hit some block's sum, those cost strong
   * hashes that crowded out the block after an insert). Open addressing keyed by
   * `pairBit(w, next) >>> pairSetShift`: 1 + k for the pair of blocks k, k + 1; 0 empty. One
   * empty slot (length 1) when there is no such rule, or when a crafted index overfilled it:
   * the Bloom filter alone then decides.
   */
  readonly pairSet: Int32Array;
  /** `32 - log2(slot count of pairSet)`. */
  readonly pairSetShift: number;
}

/** Probes at most of {@link LookupTables.pairSet}, in building it and in asking it. */
export const PAIR_PROBES = 64;

/**
 * Whether weak sums `w`, `next` (masked) are those of two consecutive blocks, as far as
 * {@link LookupTables.pairSet} tells (`h = pairBit(w, next)`); true where it cannot tell.
 */
export function pairInSet(t: Pick<LookupTables, 'pairSet' | 'pairSetShift' | 'weak'>, w: number, next: number, h: number): boolean {
  const set = t.pairSet;
  if (set.length === 1) return true;
  const mask = set.length - 1;
  let s = h >>> t.pairSetShift;
  for (let probes = 0; probes < PAIR_PROBES; probes++, s = (s + 1) & mask) {
    const e = set[s];
    if (e === 0) return false;
    if (t.weak[e - 1] === w && t.weak[e] === next) return true;
  }
  return true;
}

/**
 * What the prefilter hashes for a masked weak sum (an index with a {@link LookupTables.weakMask}):
 * the sum with its high half folded into its low half. Unmasked sums are hashed as they are.
 */
export function prefilterKey(w: number): number {
  return w ^ (w >>> 16);
}

/** The key of {@link LookupTables.digestSlots}: weak sum `w` mixed with the first (up to four) bytes of a digest. */
export function digestKey(w: number, digest: Uint8Array, at: number, length: number): number {
  let x = 0;
  for (let i = 0; i < 4 && i < length; i++) x |= digest[at + i] << (8 * i);
  return Math.imul(w ^ Math.imul(x, 0x85ebca6b), GOLDEN);
}

/** The bit of {@link LookupTables.pairs} for consecutive (masked) weak sums `w`, `next`. */
export function pairBit(w: number, next: number): number {
  // Folded so that sums whose low half is masked away (zsync keeps 2 of their 4 bytes) still
  // spread over every bit of the result.
  let x = w ^ Math.imul(next ^ (next >>> 16), 0x85ebca6b);
  x ^= x >>> 16;
  return Math.imul(x, GOLDEN);
}

function log2Ceil(n: number): number {
  return Math.max(0, Math.ceil(Math.log2(Math.max(1, n))));
}

function sameStrong(strong: Uint8Array, len: number, x: number, y: number): boolean {
  return equalBytes(strong, x * len, strong, y * len, len);
}

/**
 * Builds the shared {@link LookupTables} for an index. Costs memory per block only.
 * @param include - when given, only blocks `k` with `include[k] !== 0` go into the prefilter and
 *   table (the scan's second look searches for missing blocks only); pass whole groups of
 *   identical blocks, so that representatives stay the same.
 */
export function buildLookup(index: BlockIndex, include?: Uint8Array): LookupTables {
  const n = index.blockCount;
  const sl = index.strongLength;
  const weakMask = weakMaskOf(index);
  const paddedTail = index.paddedTail === true;
  const tailLength = n > 0 ? blockLength(index, n - 1) : 0;
  const shortLength = !paddedTail && n > 0 && tailLength < index.blockSize ? tailLength : 0;
  const fullCount = shortLength ? n - 1 : n;

  const weak = sharedCopy(index.weak);
  if (weakMask !== -1) for (let k = 0; k < n; k++) weak[k] &= weakMask;
  const strong = sharedCopy(index.strong);

  // 128 bits per block within 32 KiB to 256 KiB, where it stays in cache; past 65,536 blocks, at
  // least 32 bits per block (up to 4 MiB): a cache miss costs less than a prefilter that lets
  // most offsets through (two bits per block in 2^21 bits pass nearly all at 2^21 blocks).
  const wordsLog2 = Math.max(Math.min(16, Math.max(13, log2Ceil(fullCount * 4))), Math.min(20, log2Ceil(fullCount)));
  const bits = sharedArray(Int32Array, 1 << wordsLog2);
  const slotsLog2 = Math.min(30, Math.max(4, log2Ceil(fullCount * 2)));
  const slots = sharedArray(Int32Array, 1 << slotsLog2);
  const slotMask = (1 << slotsLog2) - 1;
  const sameWeakNext = sharedArray(Int32Array, n).fill(-1);
  const groupOf = sharedArray(Int32Array, n);
  const digestLog2 = Math.min(30, Math.max(4, log2Ceil(fullCount * 2)));
  const digestSlots = sharedArray(Int32Array, 1 << digestLog2);
  const digestMask = (1 << digestLog2) - 1;
  /** The last block of each weak-sum chain, by its head. */
  const chainEnd = new Int32Array(n);
  const findDigest = (k: number) => {
    let d = digestKey(weak[k], strong, k * sl, sl) >>> (32 - digestLog2);
    for (let e = digestSlots[d]; e !== 0; d = (d + 1) & digestMask, e = digestSlots[d]) {
      if (weak[e - 1] === weak[k] && sameStrong(strong, sl, e - 1, k)) return e - 1;
    }
    return -1;
  };
  const addDigest = (k: number) => {
    let d = digestKey(weak[k], strong, k * sl, sl) >>> (32 - digestLog2);
    while (digestSlots[d] !== 0) d = (d + 1) & digestMask;
    digestSlots[d] = k + 1;
  };

  for (let k = 0; k < fullCount; k++) {
    if (include && include[k] === 0) {
      groupOf[k] = k;
      continue;
    }
    const w = weak[k];
    const h = Math.imul(w, GOLDEN);
    // The prefilter's key: with a mask the weak sum's low half may be all zero, and the two bits a
    // key sets come from the low bits of the product: fold the high half in (see prefilterKey).
    const hp = weakMask === -1 ? h : Math.imul(prefilterKey(w), GOLDEN);
    let s = h >>> (32 - slotsLog2);
    let head = -1;
    while (slots[s] !== 0) {
      if (weak[slots[s] - 1] === w) {
        head = slots[s] - 1;
        break;
      }
      s = (s + 1) & slotMask;
    }
    if (head < 0) {
      slots[s] = k + 1;
      groupOf[k] = k;
      chainEnd[k] = k;
      addDigest(k);
      bits[hp >>> (32 - wordsLog2)] |= prefilterMask(hp);
      continue;
    }
    // A block with the same content already in: found through the digest table, in a probe or
    // two however long the chain of blocks sharing this weak sum (walking it made a crafted index
    // of 32,768 blocks with one weak sum cost half a billion comparisons to load).
    const rep = findDigest(k);
    // (A zero-padded last block equal to a full block joins its group; the scanner records its
    // finds past the end of a local file under the last block itself, which no full block uses.)
    if (rep >= 0) groupOf[k] = rep;
    else {
      groupOf[k] = k;
      sameWeakNext[chainEnd[head]] = k;
      chainEnd[head] = k;
      addDigest(k);
    }
  }
  if (shortLength) groupOf[n - 1] = n - 1;

  // Pairs of consecutive blocks, for indexes whose blocks match only two at a time: two bits per
  // pair in one 32-bit word, about 256 bits per pair. zsync keeps 16-bit weak sums for large files,
  // where nearly every offset hits some block's sum: this filter is then what keeps the strong
  // hashes (and their bound) for the windows that can be a block. It lets about 5 in 10,000
  // false pairs through (measured: a twentieth of them where the two bits coincide); the exact
  // set behind it (pairSet) turns those away too.
  const matchRun = matchRunOf(index);
  const pairsLog2 = matchRun > 1 ? Math.min(23, Math.max(5, log2Ceil(n * 8))) : 0;
  const pairs = sharedArray(Int32Array, 1 << pairsLog2);
  if (matchRun > 1) {
    for (let k = 0; k + 1 < n; k++) {
      const h = pairBit(weak[k], weak[k + 1]);
      pairs[h >>> (32 - pairsLog2)] |= prefilterMask(h);
    }
  }
  const { pairSet, pairSetShift } = matchRun > 1 ? buildPairSet(weak, n) : NO_PAIR_SET();

  return {
    blockSize: index.blockSize,
    blockCount: n,
    weakMask,
    matchRun,
    paddedTail,
    tailLength,
    strongHash: index.strongHash,
    strongLength: sl,
    weak,
    strong,
    bits,
    bitsShift: 32 - wordsLog2,
    slots,
    slotsShift: 32 - slotsLog2,
    sameWeakNext,
    digestSlots,
    digestShift: 32 - digestLog2,
    groupOf,
    shortLength,
    pairs,
    pairsShift: 32 - pairsLog2,
    pairSet,
    pairSetShift,
  };
}

const NO_PAIR_SET = () => ({ pairSet: sharedArray(Int32Array, 1), pairSetShift: 32 });

/** {@link LookupTables.pairSet} for the (masked) sums `weak` of `n` blocks. */
function buildPairSet(weak: Int32Array, n: number): { pairSet: Int32Array; pairSetShift: number } {
  const log2 = Math.min(30, Math.max(4, log2Ceil(n * 2)));
  const set = sharedArray(Int32Array, 1 << log2);
  const mask = (1 << log2) - 1;
  for (let k = 0; k + 1 < n; k++) {
    let s = pairBit(weak[k], weak[k + 1]) >>> (32 - log2);
    let probes = 0;
    for (; probes < PAIR_PROBES; probes++, s = (s + 1) & mask) {
      const e = set[s];
      if (e === 0) {
        set[s] = k + 1;
        break;
      }
      if (weak[e - 1] === weak[k] && weak[e] === weak[k + 1]) break; // the same pair, in already
    }
    // Sums crafted to pile up on a few slots: the Bloom filter alone decides (bounded cost).
    if (probes === PAIR_PROBES) return NO_PAIR_SET();
  }
  return { pairSet: set, pairSetShift: 32 - log2 };
}

import { ArgumentError } from '../errors/errors.js';

/** The smallest block size deltasync builds or reads. */
export const MIN_BLOCK_SIZE = 64;
/** The largest block size deltasync builds or reads. */
export const MAX_BLOCK_SIZE = 16 * 1024 * 1024;
/**
 * The fewest bytes of a block digest an index may keep without a whole-file hash: below it a
 * hostile source could forge blocks with little effort, and nothing else would catch it.
 */
export const MIN_UNGUARDED_STRONG = 4;

/** go-sync's default block size, and deltasync's. */
export const DEFAULT_BLOCK_SIZE = 8192;

/** A whole-file digest carried by an index, for end-to-end verification. */
export interface FileHash {
  /** Registry name of the hash, e.g. `sha256`. */
  readonly algorithm: string;
  /** The digest of the whole file. */
  readonly digest: Uint8Array;
}

/**
 * The checksums of a reference file, one weak and one strong sum per block, in file order.
 * The last block is short when the file size is not a multiple of the block size; its sums
 * cover its real length (no padding), as in go-sync, unless {@link BlockIndex.paddedTail} says
 * they cover it zero-padded to the block size, as in zsync.
 *
 * The weak sum of a block is go-sync's: `(a & 0xffff) | (b << 16)` with a = Σ x[i] and
 * b = Σ (L − i)·x[i]. zsync's rolling sum is the same pair, stored differently and often
 * truncated: {@link BlockIndex.weakMask} says which bits an index kept.
 */
export interface BlockIndex {
  /** Size of the reference in bytes. */
  readonly fileSize: number;
  /** Block length in bytes. */
  readonly blockSize: number;
  /** Number of blocks: `ceil(fileSize / blockSize)`. */
  readonly blockCount: number;
  /** Registry name of the per-block strong hash (`md5` for go-sync indexes). */
  readonly strongHash: string;
  /** Bytes of each strong digest kept in the index (the leftmost ones). */
  readonly strongLength: number;
  /** Weak (rolling) sums, one per block, as signed 32-bit integers (use `>>> 0` for unsigned). */
  readonly weak: Int32Array;
  /** Strong digests, `strongLength` bytes per block, concatenated. */
  readonly strong: Uint8Array;
  /** A digest of the whole reference, when the index format carries one. */
  readonly fileHash?: FileHash;
  /**
   * The bits of every weak sum that the index keeps, as a signed 32-bit mask (default -1: all).
   * The others are stored as 0 and never compared. zsync keeps 2 to 4 bytes of its sum.
   */
  readonly weakMask?: number;
  /**
   * How many consecutive reference blocks must be found one after another in the local file
   * before any of them is taken (zsync's seq_matches): 1 (the default) or 2. With 2 a lone
   * matching block is not used, which lets an index keep shorter (cheaper) sums.
   */
  readonly matchRun?: number;
  /**
   * Whether the sums of a short last block cover it zero-padded to the block size (zsync) rather
   * than its real length (go-sync, the default). The output still ends at `fileSize`.
   */
  readonly paddedTail?: boolean;
  /**
   * Where the reference can be fetched, as the index file gives them (zsync's `URL` lines): tried
   * in turn. A relative one is relative to the index's own location.
   */
  readonly urls?: readonly string[];
  /** Format-specific header values a codec keeps so that it can write the file again as it was (zsync's Filename, MTime). */
  readonly meta?: Readonly<Record<string, string>>;
}

/** The weak-sum mask of `index` (-1 when it keeps every bit). */
export function weakMaskOf(index: Pick<BlockIndex, 'weakMask'>): number {
  return (index.weakMask ?? -1) | 0;
}

/** The consecutive-block rule of `index` (1 when it has none). */
export function matchRunOf(index: Pick<BlockIndex, 'matchRun'>): number {
  return index.matchRun ?? 1;
}

/** The number of blocks a file of `fileSize` bytes has at `blockSize`. */
export function blockCountOf(fileSize: number, blockSize: number): number {
  return Math.ceil(fileSize / blockSize);
}

/** The length of block `k` of an index (only the last one can be short). */
export function blockLength(index: Pick<BlockIndex, 'fileSize' | 'blockSize'>, k: number): number {
  return Math.min(index.blockSize, index.fileSize - k * index.blockSize);
}

/** Why `blockSize` is not a block size deltasync takes (`block size 7 is out of range (…)`), or undefined. */
export function blockSizeProblem(blockSize: number, what = 'block size'): string | undefined {
  if (Number.isSafeInteger(blockSize) && blockSize >= MIN_BLOCK_SIZE && blockSize <= MAX_BLOCK_SIZE) return undefined;
  return `${what} ${blockSize} is out of range (${BLOCK_SIZE_RANGE})`;
}

/** `512 B`, `64 KiB`, `16 MiB`: exact sizes as people write them. */
function sizeText(n: number): string {
  for (const [unit, size] of [['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) if (n % size === 0) return `${n / size} ${unit}`;
  return `${n} B`;
}

/** The block sizes deltasync takes, in words: `64 B to 16 MiB`. */
export const BLOCK_SIZE_RANGE = `${sizeText(MIN_BLOCK_SIZE)} to ${sizeText(MAX_BLOCK_SIZE)}`;

/** Throws an {@link ArgumentError} unless `blockSize` is a whole number in the supported range. */
export function checkBlockSize(blockSize: number, what = 'block size'): void {
  const problem = blockSizeProblem(blockSize, what);
  if (problem) throw new ArgumentError(problem);
}

/**
 * Why `strongLength` bytes of a `hash` digest per block are not a valid choice, or undefined: it
 * must be 1 to the digest's size, and at least {@link MIN_UNGUARDED_STRONG} unless a whole-file
 * hash guards the result.
 */
export function strongLengthProblem(strongLength: number, hash: { name: string; size: number }, hasFileHash: boolean): string | undefined {
  if (!Number.isInteger(strongLength) || strongLength < 1 || strongLength > hash.size) {
    return `strong length ${strongLength} is out of range for ${hash.name} (1 to ${hash.size} bytes of each block digest)`;
  }
  if (strongLength < MIN_UNGUARDED_STRONG && !hasFileHash) {
    return `block digests of ${strongLength} bytes are too short to verify anything alone: they need a whole-file hash (or at least ${MIN_UNGUARDED_STRONG} bytes each)`;
  }
  return undefined;
}

/** Throws an {@link ArgumentError} unless `index` looks like a {@link BlockIndex} (its tables sized to its blocks). */
export function checkIndex(index: BlockIndex): void {
  const ok =
    typeof index === 'object' &&
    index !== null &&
    index.weak instanceof Int32Array &&
    index.strong instanceof Uint8Array &&
    Number.isSafeInteger(index.blockCount) &&
    index.weak.length === index.blockCount &&
    index.strong.length === index.blockCount * index.strongLength &&
    index.blockCount === blockCountOf(index.fileSize, index.blockSize) &&
    (index.matchRun === undefined || index.matchRun === 1 || index.matchRun === 2) &&
    (index.weakMask === undefined || Number.isInteger(index.weakMask));
  if (!ok) throw new ArgumentError('not an index: expected a BlockIndex from buildIndex or readIndexFile');
}

import { ArgumentError } from '../errors/errors.js';
import type { FormatVersion } from '../format/header.js';

/** The smallest block size deltasync builds or reads. */
export const MIN_BLOCK_SIZE = 512;
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
 * cover its real length (no padding), as in go-sync.
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
  /** The version of the file the index was read from, so a go-sync 0.2.x file is re-written as it was. */
  readonly formatVersion?: FormatVersion;
}

/** The number of blocks a file of `fileSize` bytes has at `blockSize`. */
export function blockCountOf(fileSize: number, blockSize: number): number {
  return Math.ceil(fileSize / blockSize);
}

/** The length of block `k` of an index (only the last one can be short). */
export function blockLength(index: Pick<BlockIndex, 'fileSize' | 'blockSize'>, k: number): number {
  return Math.min(index.blockSize, index.fileSize - k * index.blockSize);
}

/** Throws an {@link ArgumentError} unless `blockSize` is a whole number in the supported range. */
export function checkBlockSize(blockSize: number, what = 'block size'): void {
  if (!Number.isSafeInteger(blockSize) || blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE) {
    throw new ArgumentError(
      `${what} ${blockSize} is out of range (${MIN_BLOCK_SIZE} to ${MAX_BLOCK_SIZE} bytes)`,
    );
  }
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
    index.blockCount === blockCountOf(index.fileSize, index.blockSize);
  if (!ok) throw new ArgumentError('not an index: expected a BlockIndex from buildIndex or readIndexFile');
}

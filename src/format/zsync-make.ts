import { ArgumentError } from '../errors/errors.js';
import { type BlockIndex, checkIndex, matchRunOf, weakMaskOf } from '../index/block-index.js';
import { isPowerOfTwo } from './zsync-header.js';
import { META_FILENAME, META_MTIME, META_VERSION } from './zsync-meta.js';
import { weakMaskOfRsumBytes } from './zsync-table.js';

/** The version zsyncmake 0.6.2 writes on its first line, and the one {@link zsyncIndex} writes. */
export const ZSYNCMAKE_VERSION = '0.6.2';

/** zsync's Hash-Lengths: consecutive matches required, rolling-sum bytes and strong-hash bytes kept per block. */
export interface ZsyncHashLengths {
  seqMatches: number;
  rsumBytes: number;
  checksumBytes: number;
}

/**
 * The Hash-Lengths zsyncmake 0.6.2 chooses for a file of `length` bytes at `blockSize` (make.c,
 * main: the same floating-point formulas, so the same answers). For example 10 kB at 2048 → 2,2,3.
 */
export function zsyncHashLengths(length: number, blockSize: number): ZsyncHashLengths {
  const seqMatches = length > blockSize ? 2 : 1;
  // C converts ceil(-inf) (an empty file: log(0)) to INT_MIN; the clamps below then apply as in C.
  let rsumBytes = Math.ceil(((Math.log(length) + Math.log(blockSize)) / Math.log(2) - 8.6) / seqMatches / 8);
  rsumBytes = Math.min(4, Math.max(2, rsumBytes));
  const blocks = Math.floor(length / blockSize);
  let checksumBytes = Math.ceil((20 + (Math.log(length) + Math.log(1 + blocks)) / Math.log(2)) / seqMatches / 8);
  const checksumBytes2 = Math.trunc((7.9 + (20 + Math.log(1 + blocks) / Math.log(2))) / 8);
  if (!(checksumBytes >= checksumBytes2)) checksumBytes = checksumBytes2;
  return { seqMatches, rsumBytes, checksumBytes };
}

/** The block size zsyncmake 0.6.2 uses when given none: 2048, or 4096 from 100,000,000 bytes. */
export function zsyncDefaultBlockSize(length: number): number {
  return length < 100_000_000 ? 2048 : 4096;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A modification time as zsyncmake writes `MTime` (`strftime("%a, %d %b %Y %H:%M:%S %z")` of
 * gmtime): `Tue, 14 Nov 2023 22:13:20 +0000`. Fractions of a second are dropped, as `st_mtime` drops them.
 */
export function formatZsyncMTime(mtime: Date): string {
  if (!(mtime instanceof Date) || Number.isNaN(mtime.getTime())) throw new ArgumentError('mtime must be a valid Date');
  const d = new Date(Math.floor(mtime.getTime() / 1000) * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

/** Options of {@link zsyncIndex}: the header values zsyncmake takes from its command line and the file. */
export interface ZsyncOptions {
  /** URL lines (zsyncmake `-u`, repeatable). Default: `filename`, as zsyncmake writes the input's name when given no `-u`. */
  url?: string | readonly string[];
  /** The Filename line (zsyncmake: the input's base name, or `-f`). None when omitted. */
  filename?: string;
  /** The MTime line (zsyncmake: the input's modification time). None when omitted. */
  mtime?: Date;
}

/**
 * Turns a full index into the index zsyncmake 0.6.2 would describe: Hash-Lengths chosen from the
 * file's length and block size as zsyncmake chooses them, weak sums masked to the rolling-sum
 * bytes kept, MD4 digests cut to the checksum bytes kept, the consecutive-match rule set. Encoded
 * with the `zsync` codec, it is byte for byte what zsyncmake writes for the same file and options.
 *
 * @param index - from `buildIndex(file, { blockSize, strongHash: 'md4', fileHash: 'sha1', paddedTail: true })`
 *   (blockSize a power of two).
 * @throws {@link ArgumentError} when `index` was not built that way.
 *
 * @example
 * ```ts
 * const full = await buildIndex('v2.img', { blockSize: 2048, strongHash: 'md4', fileHash: 'sha1', paddedTail: true });
 * const z = zsyncIndex(full, { url: 'v2.img', filename: 'v2.img', mtime: (await stat('v2.img')).mtime });
 * await writeIndexFile(z, 'v2.img.zsync', 'zsync');
 * ```
 */
export function zsyncIndex(index: BlockIndex, options: ZsyncOptions = {}): BlockIndex {
  checkIndex(index);
  const problem = fullIndexProblem(index);
  if (problem) throw new ArgumentError(`zsyncIndex needs an index built with strongHash 'md4', fileHash 'sha1' and paddedTail: ${problem}`);
  const { seqMatches, rsumBytes, checksumBytes } = zsyncHashLengths(index.fileSize, index.blockSize);
  const weakMask = weakMaskOfRsumBytes(rsumBytes);
  const weak = index.weak.map((w) => w & weakMask);
  const strong = new Uint8Array(index.blockCount * checksumBytes);
  for (let k = 0; k < index.blockCount; k++) {
    strong.set(index.strong.subarray(k * index.strongLength, k * index.strongLength + checksumBytes), k * checksumBytes);
  }
  const urls = options.url === undefined ? (options.filename === undefined ? [] : [options.filename]) : [options.url].flat();
  const meta: Record<string, string> = { [META_VERSION]: ZSYNCMAKE_VERSION };
  if (options.filename !== undefined) meta[META_FILENAME] = options.filename;
  if (options.mtime !== undefined) meta[META_MTIME] = formatZsyncMTime(options.mtime);
  return {
    fileSize: index.fileSize,
    blockSize: index.blockSize,
    blockCount: index.blockCount,
    strongHash: 'md4',
    strongLength: checksumBytes,
    weak,
    strong,
    fileHash: index.fileHash,
    weakMask,
    matchRun: seqMatches,
    paddedTail: true,
    urls,
    meta,
  };
}

function fullIndexProblem(index: BlockIndex): string | undefined {
  if (!isPowerOfTwo(index.blockSize)) return `block size ${index.blockSize} is not a power of two`;
  if (index.strongHash !== 'md4' || index.strongLength !== 16) return `its blocks have ${index.strongLength} bytes of ${index.strongHash}`;
  if (index.fileHash?.algorithm !== 'sha1') return `its whole-file hash is ${index.fileHash?.algorithm ?? 'missing'}`;
  if (index.fileSize % index.blockSize !== 0 && !index.paddedTail) return 'its short last block is summed unpadded';
  if (weakMaskOf(index) !== -1 || matchRunOf(index) !== 1) return 'it is already reduced (truncated weak sums or a match rule)';
  return undefined;
}

import { checkPath, IndexFormatError } from '../errors/errors.js';
import { openRegularFile, readAt } from '../util/file-io.js';
import { type BlockIndex, checkIndex } from '../index/block-index.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import type { IndexCodec } from './codec.js';
import { automaticCodec, codecNamed, codecOf, formatTitles } from './registry.js';

/** The name of an index format: `gosync` (go-sync 0.2.x) or `deltasync` (named hash, whole-file digest, URL). */
export type IndexFormat = 'gosync' | 'deltasync' | 'zsync';

/**
 * Serialises an index. Without `format`, go-sync 0.2.x is chosen whenever the index fits it
 * (MD5 blocks, no whole-file hash), deltasync 1.x otherwise.
 *
 * @throws {@link IndexFormatError} when the index does not fit the format asked for.
 */
export function encodeIndex(index: BlockIndex, format?: IndexFormat): Uint8Array {
  checkIndex(index);
  const codec = format === undefined ? automaticCodec(index) : codecNamed(format);
  if (typeof codec === 'string') throw new IndexFormatError(`no index format fits: ${codec}`);
  const problem = codec.unfit(index);
  if (problem) throw new IndexFormatError(problem);
  return codec.encode(index);
}

/** The codec for a file `name` of `total` bytes that starts with `head`; a one-line error otherwise. */
function codecFor(head: Uint8Array, name: string, total: number): IndexCodec {
  if (total === 0) throw new IndexFormatError(`${name}: empty file, not an index`);
  const codec = codecOf(head);
  if (typeof codec === 'string') throw new IndexFormatError(`${name}: ${codec}`);
  if (!codec) {
    const shown = Buffer.from(head.subarray(0, 6)).toString('hex');
    throw new IndexFormatError(`${name}: not a ${formatTitles()} index (it starts with 0x${shown})`);
  }
  return codec;
}

/**
 * Parses an index file's bytes, in any format the library reads (recognised by its first
 * bytes). `name` is the file or URL the bytes came from, used in error messages.
 *
 * @throws {@link IndexFormatError} for bytes in no known format, an unsupported version, an
 *   impossible block size, or a body that is not exactly one record per block.
 */
export function decodeIndex(bytes: Uint8Array, name: string): BlockIndex {
  return codecFor(bytes, name, bytes.length).decode(bytes, name)!;
}

/** Reads and parses an index file. Errors name `path`. */
export async function readIndexFile(path: string): Promise<BlockIndex> {
  checkPath('path', path);
  const fh = await openRegularFile(path, 'read index');
  try {
    const size = (await fh.stat()).size;
    // The header says how long the file must be: check that before reading (and allocating) it all.
    const head = new Uint8Array(Math.min(size, HEADER_READ));
    await readAt(fh, head, head.length, 0, path);
    const codec = codecFor(head, path, size);
    if (size > head.length) codec.decode(head, path, size);
    if (size > MAX_INDEX_BYTES) {
      throw new IndexFormatError(`${path}: ${size} bytes is too large for an index (at most ${MAX_INDEX_BYTES})`);
    }
    const bytes = new Uint8Array(size);
    bytes.set(head);
    const got = head.length + (await readAt(fh, bytes.subarray(head.length), size - head.length, head.length, path));
    return codec.decode(bytes.subarray(0, got), path)!;
  } finally {
    await fh.close();
  }
}

/** Index files larger than this are refused (a go-sync index of a 800 GiB file at 8 KiB blocks). */
export const MAX_INDEX_BYTES = 2 ** 31;

/** Bytes read first, enough for any header this library writes. */
const HEADER_READ = 64 * 1024;

/** Writes an index file atomically (temporary file beside it, then rename). */
export async function writeIndexFile(index: BlockIndex, path: string, format?: IndexFormat): Promise<void> {
  checkPath('path', path);
  await writeFileAtomic(path, encodeIndex(index, format));
}

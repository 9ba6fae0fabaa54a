import { ArgumentError, checkPath, IndexFormatError } from '../errors/errors.js';
import { openRegularFile, readAt } from '../util/file-io.js';
import { type BlockIndex, checkIndex } from '../index/block-index.js';
import { writeFileAtomic } from '../patch/atomic-file.js';
import { decodeDeltasync, DELTASYNC_VERSION, encodeDeltasync } from './deltasync-v1.js';
import { decodeGosync, encodeGosync, fitsGosync } from './gosync-v0.js';
import { ByteReader, MAGIC } from './header.js';

/** Which layout to write: go-sync 0.2.x, or deltasync 1.0 (named hash, whole-file digest). */
export type IndexFormat = 'gosync' | 'deltasync';

/**
 * Serialises an index. Without `format`, go-sync 0.2.x is chosen whenever the index fits it
 * (MD5 blocks, no whole-file hash), deltasync 1.0 otherwise.
 *
 * @throws {@link IndexFormatError} when `format` is `gosync` and the index does not fit it.
 */
export function encodeIndex(index: BlockIndex, format?: IndexFormat): Uint8Array {
  checkIndex(index);
  if (format !== undefined && format !== 'gosync' && format !== 'deltasync') {
    throw new ArgumentError(`index format must be 'gosync' or 'deltasync', not ${JSON.stringify(format)}`);
  }
  const chosen = format ?? (fitsGosync(index) ? 'gosync' : 'deltasync');
  if (chosen === 'gosync') {
    if (!fitsGosync(index)) {
      throw new IndexFormatError(
        'the go-sync format holds only full MD5 block digests and no whole-file hash; use the deltasync format',
      );
    }
    return encodeGosync(index);
  }
  return encodeDeltasync(index);
}

/**
 * Parses an index file's bytes (go-sync 0.x or deltasync 1.x). `name` is the file or URL the
 * bytes came from, used in error messages.
 *
 * @throws {@link IndexFormatError} for a wrong magic, an unsupported version, an impossible block
 *   size, or a body that is not exactly one record per block.
 */
export function decodeIndex(bytes: Uint8Array, name: string): BlockIndex {
  return parseIndex(bytes, name, bytes.length)!;
}

/** {@link decodeIndex} of a file of `total` bytes of which `bytes` is the start: undefined if the header holds up. */
function parseIndex(bytes: Uint8Array, name: string, total: number): BlockIndex | undefined {
  const bad = (msg: string) => new IndexFormatError(`${name}: ${msg}`);
  const r = new ByteReader(
    bytes,
    (what) => bad(`truncated index: the header ends before its ${what}`),
    (what, value) => bad(`${what} ${value} is out of range`),
  );
  r.total = total;
  if (total === 0) throw bad('empty file, not an index');
  const magic = bytes.subarray(0, MAGIC.length);
  if (String.fromCharCode(...magic) !== MAGIC) {
    const shown = Buffer.from(magic).toString('hex');
    throw bad(`not a go-sync or deltasync index (starts with 0x${shown}, expected '${MAGIC}')`);
  }
  r.pos = MAGIC.length;
  const major = r.u16('version');
  const minor = r.u16('version');
  const patchV = r.u16('version');
  let index: BlockIndex | undefined;
  if (major === 0) index = decodeGosync(r, bad);
  else if (major === DELTASYNC_VERSION.major) index = decodeDeltasync(r, bad);
  else {
    throw bad(
      `unsupported index version ${major}.${minor}.${patchV} (this deltasync reads 0.x and ${DELTASYNC_VERSION.major}.x)`,
    );
  }
  return index && { ...index, formatVersion: { major, minor, patch: patchV } };
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
    if (size > head.length) parseIndex(head, path, size);
    if (size > MAX_INDEX_BYTES) {
      throw new IndexFormatError(`${path}: ${size} bytes is too large for an index (at most ${MAX_INDEX_BYTES})`);
    }
    const bytes = new Uint8Array(size);
    bytes.set(head);
    const got = head.length + (await readAt(fh, bytes.subarray(head.length), size - head.length, head.length, path));
    return decodeIndex(bytes.subarray(0, got), path);
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

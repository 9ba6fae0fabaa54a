import { readFile } from 'node:fs/promises';
import { fsError, IndexFormatError } from '../errors/errors.js';
import type { BlockIndex } from '../index/block-index.js';
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
  const bad = (msg: string) => new IndexFormatError(`${name}: ${msg}`);
  const r = new ByteReader(
    bytes,
    (what) => bad(`truncated index: the header ends before its ${what}`),
    (what, value) => bad(`${what} ${value} is too large`),
  );
  const magic = bytes.subarray(0, MAGIC.length);
  if (String.fromCharCode(...magic) !== MAGIC) {
    const shown = Buffer.from(magic).toString('hex');
    throw bad(`not a go-sync or deltasync index (starts with 0x${shown || 'nothing'}, expected '${MAGIC}')`);
  }
  r.pos = MAGIC.length;
  const major = r.u8('version') | (r.u8('version') << 8);
  const minor = r.u8('version') | (r.u8('version') << 8);
  const patchV = r.u8('version') | (r.u8('version') << 8);
  let index: BlockIndex;
  if (major === 0) index = decodeGosync(r, bad);
  else if (major === DELTASYNC_VERSION.major) index = decodeDeltasync(r, bad);
  else {
    throw bad(
      `unsupported index version ${major}.${minor}.${patchV} (this deltasync reads 0.x and ${DELTASYNC_VERSION.major}.x)`,
    );
  }
  return index;
}

/** Reads and parses an index file. Errors name `path`. */
export async function readIndexFile(path: string): Promise<BlockIndex> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw fsError(err, path, 'read index');
  }
  return decodeIndex(bytes, path);
}

/** Writes an index file atomically (temporary file beside it, then rename). */
export async function writeIndexFile(index: BlockIndex, path: string, format?: IndexFormat): Promise<void> {
  await writeFileAtomic(path, encodeIndex(index, format));
}

import { dirname, resolve } from 'node:path';
import { IndexFormatError } from '../errors/errors.js';
import { decodeIndex, MAX_INDEX_BYTES, readIndexFile } from '../format/index-file.js';
import type { BlockIndex } from '../index/block-index.js';
import type { BlockSource } from './block-source.js';
import { fileSource } from './file-source.js';
import type { HttpSourceOptions } from './http-source.js';

/** Whether `location` is an HTTP(S) URL rather than a path. */
export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** An index and where it was read from (after any redirect): relative reference URLs are relative to it. */
export interface LocatedIndex {
  readonly index: BlockIndex;
  readonly location: string;
}

/**
 * Reads an index from a path or an HTTP(S) URL, in any format the library reads.
 *
 * @example
 * ```ts
 * const { index, location } = await loadIndex('https://example.org/v2.img.zsync');
 * const sources = await Promise.all(referenceLocations(index, location).map((l) => sourceAt(l)));
 * ```
 */
export async function loadIndex(location: string, http: HttpSourceOptions = {}, signal?: AbortSignal): Promise<LocatedIndex> {
  if (!isUrl(location)) return { index: await readIndexFile(location), location };
  // Loaded only for a URL: the HTTP client (undici) costs start-up time a local run need not pay.
  const { httpSource } = await import('./http-source.js');
  const src = httpSource(location, http);
  // Credentials in the URL stay out of messages, and go on to a reference on the same origin.
  const given = new URL(location);
  const secret = given.username !== '' || given.password !== '';
  const name = secret ? src.name : location;
  try {
    const bytes = await src.readAll(MAX_INDEX_BYTES, signal);
    if (bytes.length === 0) throw new IndexFormatError(`${name}: empty file, not an index`);
    const at = new URL(src.url);
    if (secret && at.origin === given.origin) {
      at.username = given.username;
      at.password = given.password;
    }
    return { index: decodeIndex(bytes, name), location: secret ? at.href : src.url };
  } finally {
    await src.close();
  }
}

/** Index file endings that are dropped to name the reference an index describes. */
const INDEX_SUFFIX = /\.(gosync|zsync|dsync)$/i;

/**
 * Where the reference of `index` is, in the order to try them: the URLs the index names
 * (relative ones resolved against `indexLocation`, a path or URL), or else the index's own
 * location without its `.gosync`/`.zsync` ending. Empty when neither gives anything.
 */
export function referenceLocations(index: BlockIndex, indexLocation: string): string[] {
  const named = index.urls ?? [];
  if (named.length > 0) return named.map((u) => resolveAgainst(u, indexLocation));
  if (isUrl(indexLocation)) {
    // The ending is the path's: a query (a token, say) is kept for the reference as it is.
    const url = new URL(indexLocation);
    if (!INDEX_SUFFIX.test(url.pathname)) return [];
    url.pathname = url.pathname.replace(INDEX_SUFFIX, '');
    return [url.href];
  }
  return INDEX_SUFFIX.test(indexLocation) ? [indexLocation.replace(INDEX_SUFFIX, '')] : [];
}

function resolveAgainst(ref: string, base: string): string {
  if (isUrl(ref)) return ref;
  if (isUrl(base)) return new URL(ref, base).href;
  return resolve(dirname(base), ref);
}

/** A block source for a path or an HTTP(S) URL (the HTTP client is loaded only for a URL). */
export async function sourceAt(location: string, http: HttpSourceOptions = {}): Promise<BlockSource> {
  if (!isUrl(location)) return fileSource(location);
  const { httpSource } = await import('./http-source.js');
  return httpSource(location, http);
}

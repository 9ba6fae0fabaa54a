import type { IncomingMessage } from 'node:http';

/** The validators of one version of a file. */
export interface Validators {
  /** A strong entity tag, quoted. */
  readonly etag: string;
  /** The modification time as an HTTP date. */
  readonly lastModified: string;
  /** The modification time in whole seconds since the epoch (HTTP dates have no finer grain). */
  readonly mtimeSeconds: number;
}

function listHas(header: string, etag: string): boolean {
  return header.split(',').some((t) => t.trim() === '*' || t.trim() === etag);
}

function notAfter(header: string, mtimeSeconds: number): boolean {
  const t = Date.parse(header);
  return !Number.isNaN(t) && mtimeSeconds <= Math.floor(t / 1000);
}

/**
 * The status the preconditions of a request impose (RFC 9110 §13.2.2): 412 when `If-Match` or
 * `If-Unmodified-Since` fails, 304 when `If-None-Match` or `If-Modified-Since` says the client's
 * copy is current, otherwise `undefined` (serve normally).
 */
export function preconditionStatus(req: IncomingMessage, v: Validators): 304 | 412 | undefined {
  const ifMatch = req.headers['if-match'];
  if (ifMatch !== undefined) {
    if (!listHas(ifMatch, v.etag)) return 412;
  } else if (req.headers['if-unmodified-since'] !== undefined && !notAfter(req.headers['if-unmodified-since'], v.mtimeSeconds)) {
    return 412;
  }
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    if (listHas(ifNoneMatch.replace(/W\//g, ''), v.etag)) return 304;
  } else if (req.headers['if-modified-since'] !== undefined && notAfter(req.headers['if-modified-since'], v.mtimeSeconds)) {
    return 304;
  }
  return undefined;
}

/**
 * Whether a `Range` header may be honoured: without `If-Range`, or when its entity tag (strong
 * comparison) or date (exact match) names the current version. Otherwise the whole file is sent.
 */
export function ifRangeHolds(req: IncomingMessage, v: Validators): boolean {
  const h = req.headers['if-range'];
  if (h === undefined) return true;
  const value = String(h).trim();
  if (value.startsWith('"')) return value === v.etag;
  if (value.startsWith('W/')) return false;
  const t = Date.parse(value);
  return !Number.isNaN(t) && Math.floor(t / 1000) === v.mtimeSeconds;
}

import { DeltasyncError } from '../errors/errors.js';
import { parseContentRange } from './http-ranges.js';

const CRLF2 = Buffer.from('\r\n\r\n');
/** Part headers longer than this are not a byte-range part. */
const MAX_PART_HEAD = 16 * 1024;

/**
 * Reads a `multipart/byteranges` body as it streams in, calling `onData(offset, bytes)` with the
 * reference offset of each piece of each part. The parts' lengths come from their
 * `Content-Range`, so the boundary is looked for only between parts.
 */
export class ByteRangesParser {
  readonly #delimiter: Buffer;
  readonly #onData: (offset: number, data: Uint8Array) => void;
  readonly #size: number | undefined;
  #state: 'delimiter' | 'head' | 'data' | 'done' = 'delimiter';
  #pending: Buffer = Buffer.alloc(0);
  #at = 0;
  #left = 0;
  /** Parts seen. */
  parts = 0;

  /** `size`: the reference's size, when known: a part of another complete length is refused. */
  constructor(boundary: string, size: number | undefined, onData: (offset: number, data: Uint8Array) => void) {
    this.#delimiter = Buffer.from(`--${boundary}`);
    this.#size = size;
    this.#onData = onData;
  }

  /** Whether the closing delimiter was read. */
  get done(): boolean {
    return this.#state === 'done';
  }

  /** Feeds the next piece of the body. */
  push(chunk: Buffer): void {
    let buf = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = Buffer.alloc(0);
    while (buf.length > 0) {
      if (this.#state === 'done') return;
      if (this.#state === 'data') {
        const n = Math.min(this.#left, buf.length);
        this.#onData(this.#at, buf.subarray(0, n));
        this.#at += n;
        this.#left -= n;
        buf = buf.subarray(n);
        if (this.#left === 0) this.#state = 'delimiter';
        continue;
      }
      if (this.#state === 'delimiter') {
        const i = buf.indexOf(this.#delimiter);
        // What precedes a delimiter (a preamble, the CRLF after a part) is skipped.
        if (i < 0 || buf.length < i + this.#delimiter.length + 2) {
          if (buf.length > MAX_PART_HEAD) throw new DeltasyncError('malformed multipart/byteranges answer: no boundary', 'EHTTP');
          this.#pending = Buffer.from(buf);
          return;
        }
        const after = i + this.#delimiter.length;
        if (buf[after] === 0x2d && buf[after + 1] === 0x2d) {
          this.#state = 'done';
          return;
        }
        buf = buf.subarray(after);
        this.#state = 'head';
        continue;
      }
      // 'head': the rest of the delimiter line, then header lines up to an empty line.
      const end = buf.indexOf(CRLF2);
      if (end < 0) {
        if (buf.length > MAX_PART_HEAD) throw new DeltasyncError('malformed multipart/byteranges answer: part headers too long', 'EHTTP');
        this.#pending = Buffer.from(buf);
        return;
      }
      const head = buf.subarray(0, end).toString('latin1');
      const line = /^content-range:(.*)$/im.exec(head);
      const cr = parseContentRange(line?.[1]);
      if (cr?.first === undefined || cr.last === undefined) {
        throw new DeltasyncError('malformed multipart/byteranges answer: a part without a Content-Range', 'EHTTP');
      }
      if (this.#size !== undefined && cr.complete !== undefined && cr.complete !== this.#size) {
        throw new DeltasyncError(`the reference is now ${cr.complete} bytes, expected ${this.#size}`, 'ECHANGED');
      }
      this.parts++;
      this.#at = cr.first;
      this.#left = cr.last - cr.first + 1;
      this.#state = 'data';
      buf = buf.subarray(end + CRLF2.length);
    }
  }
}

/** The boundary of a `multipart/byteranges` content type, or `undefined` for any other type. */
export function byteRangesBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/byteranges\s*;/i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

import { IndexFormatError } from '../errors/errors.js';
import { type BlockIndex, matchRunOf, weakMaskOf } from '../index/block-index.js';

/** The magic bytes that open every go-sync and deltasync index file. */
export const MAGIC = 'G0S9NC';
/** Bytes before the first field that depends on the version: magic and three uint16 version parts. */
export const VERSION_END = 12;

/** A semantic version as stored in an index header. */
export interface FormatVersion {
  /** Incompatible layouts: a reader refuses a major version it does not know. */
  readonly major: number;
  /** Compatible additions. */
  readonly minor: number;
  /** Fixes. */
  readonly patch: number;
}

/** Writes the magic and version at the start of `view`. */
export function writeMagicAndVersion(view: DataView, v: FormatVersion): void {
  for (let i = 0; i < MAGIC.length; i++) view.setUint8(i, MAGIC.charCodeAt(i));
  view.setUint16(6, v.major, true);
  view.setUint16(8, v.minor, true);
  view.setUint16(10, v.patch, true);
}

/**
 * The version after the magic of a go-sync/deltasync file; undefined when `head` does not start
 * with the magic; `'short'` when it does but ends before the version.
 */
export function magicVersion(head: Uint8Array): FormatVersion | 'short' | undefined {
  if (head.length < MAGIC.length || String.fromCharCode(...head.subarray(0, MAGIC.length)) !== MAGIC) return undefined;
  if (head.length < VERSION_END) return 'short';
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return { major: view.getUint16(6, true), minor: view.getUint16(8, true), patch: view.getUint16(10, true) };
}

/**
 * A {@link ByteReader} positioned after the magic and version of a go-sync/deltasync file of
 * `total` bytes whose start is `bytes`, with errors naming `name`; `bad` builds any other error.
 */
export function indexReader(bytes: Uint8Array, name: string, total: number): { r: ByteReader; bad: (msg: string) => Error } {
  const bad = (msg: string) => new IndexFormatError(`${name}: ${msg}`);
  const r = new ByteReader(
    bytes,
    (what) => bad(`truncated index: the header ends before its ${what}`),
    (what, value) => bad(`${what} ${value} is out of range`),
    VERSION_END,
  );
  r.total = total;
  return { r, bad };
}

/**
 * Why `index` cannot be written in a format whose weak sums are whole, single blocks match alone
 * and a short last block is summed as it is (go-sync's model), or undefined.
 */
export function plainSumsProblem(format: string, index: BlockIndex): string | undefined {
  if (weakMaskOf(index) !== -1) return `the ${format} format keeps whole weak sums (this index has truncated ones)`;
  if (matchRunOf(index) !== 1) return `the ${format} format has no rule of consecutive matches`;
  if (index.paddedTail && index.fileSize % index.blockSize !== 0) {
    return `the ${format} format sums a short last block unpadded (this index pads it)`;
  }
  return undefined;
}

/** A cursor over a little-endian byte buffer that reports what it was reading when it runs out. */
export class ByteReader {
  readonly view: DataView;
  pos: number;
  /** Length of the whole file: more than `bytes.length` when only its start has been read. */
  total: number;
  constructor(
    readonly bytes: Uint8Array,
    readonly onShort: (what: string, need: number) => Error,
    readonly onOutOfRange: (what: string, value: bigint) => Error,
    start = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.total = bytes.length;
  }
  #need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) throw this.onShort(what, this.pos + n);
  }
  u8(what: string): number {
    this.#need(1, what);
    return this.view.getUint8(this.pos++);
  }
  u16(what: string): number {
    this.#need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.#need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  /** A signed 64-bit integer (go-sync writes sizes as int64) that must be in 0 .. 2^53 - 1. */
  size64(what: string): number {
    this.#need(8, what);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw this.onOutOfRange(what, v);
    return Number(v);
  }
  bytesOf(n: number, what: string): Uint8Array {
    this.#need(n, what);
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  ascii(n: number, what: string): string {
    return String.fromCharCode(...this.bytesOf(n, what));
  }
}

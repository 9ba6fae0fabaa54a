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

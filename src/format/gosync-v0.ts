import type { BlockIndex } from '../index/block-index.js';
import { decodeBody, recordSize, writeRecords } from './block-records.js';
import { type ByteReader, type FormatVersion, writeMagicAndVersion } from './header.js';

/** The version go-sync 0.2.1 writes, and the one deltasync writes for go-sync compatibility. */
export const GOSYNC_VERSION: FormatVersion = { major: 0, minor: 2, patch: 1 };
const HEADER = 24;
const STRONG = 16;

/** True when `index` can be written as a go-sync 0.2.x file (full MD5, no whole-file hash). */
export function fitsGosync(index: BlockIndex): boolean {
  return index.strongHash === 'md5' && index.strongLength === STRONG && !index.fileHash;
}

/** Serialises `index` in go-sync 0.2.x layout; the caller checks {@link fitsGosync} first. */
export function encodeGosync(index: BlockIndex): Uint8Array {
  const out = new Uint8Array(HEADER + index.blockCount * recordSize(STRONG));
  const view = new DataView(out.buffer);
  const v = index.formatVersion;
  writeMagicAndVersion(view, v && v.major === GOSYNC_VERSION.major ? v : GOSYNC_VERSION);
  view.setBigInt64(12, BigInt(index.fileSize), true);
  view.setUint32(20, index.blockSize, true);
  writeRecords(index, out, HEADER);
  return out;
}

/** Parses the part of a go-sync 0.2.x file after the version; `bad` builds the error to throw. */
export function decodeGosync(r: ByteReader, bad: (msg: string) => Error): BlockIndex | undefined {
  const fileSize = r.size64('file size');
  const blockSize = r.u32('block size');
  return decodeBody(r, bad, { fileSize, blockSize, strongHash: 'md5', strongLength: STRONG });
}

import { strongHashEntry } from '../checksum/registry.js';
import type { BlockIndex } from '../index/block-index.js';
import { decodeBody, recordSize, writeRecords } from './block-records.js';
import { type ByteReader, type FormatVersion, writeMagicAndVersion } from './header.js';

/**
 * deltasync's own index format, 1.0.0. Same magic as go-sync, major version 1 (which go-sync
 * refuses cleanly), little-endian:
 *
 * | offset | size | field |
 * | --- | --- | --- |
 * | 0 | 6 | `G0S9NC` |
 * | 6 | 6 | version 1.0.0 (three uint16) |
 * | 12 | 8 | file size |
 * | 20 | 4 | block size |
 * | 24 | 4 | offset of the first block record (readers skip header fields they do not know) |
 * | 28 | 1+n | block hash name (length, ASCII) |
 * | … | 1 | bytes kept of each block digest (leftmost) |
 * | … | 1+n | whole-file hash name (length 0: none) |
 * | … | 1+n | whole-file digest (length, bytes) |
 * | records | 4+s each | weak sum, then `s` bytes of the block digest |
 */
export const DELTASYNC_VERSION: FormatVersion = { major: 1, minor: 0, patch: 0 };

function nameBytes(name: string): Uint8Array {
  return new Uint8Array([name.length, ...Array.from(name, (c) => c.charCodeAt(0))]);
}

/** Serialises `index` in the deltasync 1.0 layout. */
export function encodeDeltasync(index: BlockIndex): Uint8Array {
  const fileHash = index.fileHash;
  const extra = [
    nameBytes(index.strongHash),
    new Uint8Array([index.strongLength]),
    nameBytes(fileHash?.algorithm ?? ''),
    new Uint8Array([fileHash?.digest.length ?? 0]),
    fileHash?.digest ?? new Uint8Array(0),
  ];
  const headerEnd = 28 + extra.reduce((n, e) => n + e.length, 0);
  const out = new Uint8Array(headerEnd + index.blockCount * recordSize(index.strongLength));
  const view = new DataView(out.buffer);
  writeMagicAndVersion(view, DELTASYNC_VERSION);
  view.setBigInt64(12, BigInt(index.fileSize), true);
  view.setUint32(20, index.blockSize, true);
  view.setUint32(24, headerEnd, true);
  let p = 28;
  for (const e of extra) {
    out.set(e, p);
    p += e.length;
  }
  writeRecords(index, out, headerEnd);
  return out;
}

/** Parses a deltasync 1.x file after its version; `bad` builds the error to throw. */
export function decodeDeltasync(r: ByteReader, bad: (msg: string) => Error): BlockIndex | undefined {
  const fileSize = r.size64('file size');
  const blockSize = r.u32('block size');
  const headerEnd = r.u32('header length');
  const strongHash = r.ascii(r.u8('block hash name length'), 'block hash name');
  const strongLength = r.u8('block digest length');
  const fileHashName = r.ascii(r.u8('file hash name length'), 'file hash name');
  // A copy: Buffer.prototype.slice would share memory with the file's bytes.
  const fileDigest = new Uint8Array(r.bytesOf(r.u8('file digest length'), 'file digest'));
  if (headerEnd < r.pos || headerEnd > r.total) {
    throw bad(`header length ${headerEnd} is out of range`);
  }
  const known = (name: string, what: string) => {
    try {
      return strongHashEntry(name);
    } catch {
      throw bad(`unknown ${what} '${name}'`);
    }
  };
  const entry = known(strongHash, 'block hash');
  if (strongLength < 1 || strongLength > entry.size) {
    throw bad(`block digest length ${strongLength} is out of range for ${strongHash} (1 to ${entry.size})`);
  }
  let fileHash: BlockIndex['fileHash'];
  if (fileHashName) {
    const fe = known(fileHashName, 'file hash');
    if (fileDigest.length !== fe.size) {
      throw bad(`file digest is ${fileDigest.length} bytes, ${fileHashName} has ${fe.size}`);
    }
    fileHash = { algorithm: fe.name, digest: fileDigest };
  }
  r.pos = headerEnd;
  return decodeBody(r, bad, { fileSize, blockSize, strongHash: entry.name, strongLength, fileHash });
}

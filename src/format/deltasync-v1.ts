import { strongHashEntry } from '../checksum/registry.js';
import type { BlockIndex } from '../index/block-index.js';
import { decodeBody, recordSize, writeRecords } from './block-records.js';
import type { IndexCodec } from './codec.js';
import { type FormatVersion, indexReader, magicVersion, plainSumsProblem, writeMagicAndVersion } from './header.js';

/**
 * deltasync's own index format, 1.x. Same magic as go-sync, major version 1 (which go-sync
 * refuses cleanly), little-endian:
 *
 * | offset | size | field |
 * | --- | --- | --- |
 * | 0 | 6 | `G0S9NC` |
 * | 6 | 6 | version 1.0.0, or 1.1.0 when a reference URL follows (three uint16) |
 * | 12 | 8 | file size |
 * | 20 | 4 | block size |
 * | 24 | 4 | offset of the first block record (readers skip header fields they do not know) |
 * | 28 | 1+n | block hash name (length, ASCII) |
 * | … | 1 | bytes kept of each block digest (leftmost) |
 * | … | 1+n | whole-file hash name (length 0: none) |
 * | … | 1+n | whole-file digest (length, bytes) |
 * | … | 2+n | 1.1 only: the reference's URL (uint16 length, UTF-8), relative to the index's own |
 * | records | 4+s each | weak sum, then `s` bytes of the block digest |
 */
export const DELTASYNC_VERSION: FormatVersion = { major: 1, minor: 1, patch: 0 };

function nameBytes(name: string): Uint8Array {
  return new Uint8Array([name.length, ...Array.from(name, (c) => c.charCodeAt(0))]);
}

function urlBytes(url: string): Uint8Array {
  const text = new TextEncoder().encode(url);
  const out = new Uint8Array(2 + text.length);
  new DataView(out.buffer).setUint16(0, text.length, true);
  out.set(text, 2);
  return out;
}

/** Longest hash name a reader takes (the ones in use are a few bytes). */
const MAX_NAME = 32;

/** Longest reference URL the format holds, in UTF-8 bytes. */
const MAX_URL_BYTES = 0xffff;

export const deltasyncCodec: IndexCodec = {
  name: 'deltasync',
  title: 'deltasync',
  extensions: ['gosync', 'dsync'],
  automatic: true,
  sniff(head) {
    const v = magicVersion(head);
    if (!v || v === 'short' || v.major === 0) return false;
    if (v.major === DELTASYNC_VERSION.major) return true;
    return `unsupported index version ${v.major}.${v.minor}.${v.patch} (this deltasync reads 0.x and ${DELTASYNC_VERSION.major}.x)`;
  },
  decode(bytes, name, total = bytes.length) {
    const { r, bad } = indexReader(bytes, name, total);
    const minor = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
    const fileSize = r.size64('file size');
    const blockSize = r.u32('block size');
    const headerEnd = r.u32('header length');
    const nameOf = (what: string) => {
      const n = r.u8(`${what} length`);
      if (n > MAX_NAME) throw bad(`${what} length ${n} is out of range (0 to ${MAX_NAME} bytes)`);
      const name = r.ascii(n, what);
      if (!/^[a-z0-9-]*$/i.test(name)) throw bad(`${what} ${JSON.stringify(name)} is not a hash name`);
      return name;
    };
    const strongHash = nameOf('block hash name');
    const strongLength = r.u8('block digest length');
    const fileHashName = nameOf('file hash name');
    // A copy: Buffer.prototype.slice would share memory with the file's bytes.
    const fileDigest = new Uint8Array(r.bytesOf(r.u8('file digest length'), 'file digest'));
    const url = minor >= 1 ? new TextDecoder().decode(r.bytesOf(r.u16('reference URL length'), 'reference URL')) : '';
    if (headerEnd < r.pos || headerEnd > r.total) {
      throw bad(`header length ${headerEnd} is out of range`);
    }
    const known = (hashName: string, what: string) => {
      try {
        return strongHashEntry(hashName);
      } catch {
        throw bad(`unknown ${what} '${hashName}'`);
      }
    };
    const entry = known(strongHash, 'block hash');
    let fileHash: BlockIndex['fileHash'];
    if (fileHashName) {
      const fe = known(fileHashName, 'file hash');
      if (fileDigest.length !== fe.size) {
        throw bad(`file digest is ${fileDigest.length} bytes, ${fileHashName} has ${fe.size}`);
      }
      fileHash = { algorithm: fe.name, digest: fileDigest };
    }
    r.pos = headerEnd;
    const index = decodeBody(r, bad, { fileSize, blockSize, strongHash: entry.name, strongLength, fileHash });
    return index && (url ? { ...index, urls: [url] } : index);
  },
  unfit(index) {
    if ((index.urls?.length ?? 0) > 1) return 'the deltasync format holds one reference URL';
    const url = index.urls?.[0];
    if (url !== undefined && new TextEncoder().encode(url).length > MAX_URL_BYTES) return 'the reference URL is too long';
    return plainSumsProblem('deltasync', index);
  },
  encode(index) {
    const fileHash = index.fileHash;
    const url = index.urls?.[0];
    const extra = [
      nameBytes(index.strongHash),
      new Uint8Array([index.strongLength]),
      nameBytes(fileHash?.algorithm ?? ''),
      new Uint8Array([fileHash?.digest.length ?? 0]),
      fileHash?.digest ?? new Uint8Array(0),
      ...(url ? [urlBytes(url)] : []),
    ];
    const headerEnd = 28 + extra.reduce((n, e) => n + e.length, 0);
    const out = new Uint8Array(headerEnd + index.blockCount * recordSize(index.strongLength));
    const view = new DataView(out.buffer);
    // 1.0 when there is no URL: files that older readers take exactly as before.
    writeMagicAndVersion(view, url ? DELTASYNC_VERSION : { ...DELTASYNC_VERSION, minor: 0 });
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
  },
};

import type { BlockIndex } from '../index/block-index.js';
import { decodeBody, recordSize, writeRecords } from './block-records.js';
import type { IndexCodec } from './codec.js';
import { type FormatVersion, indexReader, magicVersion, plainSumsProblem, VERSION_END, writeMagicAndVersion } from './header.js';

/** The version go-sync 0.2.1 writes, and the one deltasync writes for go-sync compatibility. */
export const GOSYNC_VERSION: FormatVersion = { major: 0, minor: 2, patch: 1 };
const HEADER = 24;
const VERSION_KEY = 'gosync-version';
const STRONG = 16;

/**
 * go-sync's index file, 0.2.x (little-endian): magic `G0S9NC`, version 0.2.1 (three uint16),
 * file size (int64), block size (uint32), then per block a 4-byte weak sum and a 16-byte MD5.
 */
export const gosyncCodec: IndexCodec = {
  name: 'gosync',
  extensions: ['gosync'],
  automatic: true,
  title: 'go-sync',
  sniff(head) {
    const v = magicVersion(head);
    // A file cut inside its version is reported as truncated, by this codec.
    return v === 'short' || v?.major === 0;
  },
  decode(bytes, name, total = bytes.length) {
    const { r, bad } = indexReader(bytes, name, total);
    if (bytes.length < VERSION_END) throw bad('truncated index: the header ends before its version');
    const version = magicVersion(bytes) as FormatVersion;
    const fileSize = r.size64('file size');
    const blockSize = r.u32('block size');
    const index = decodeBody(r, bad, { fileSize, blockSize, strongHash: 'md5', strongLength: STRONG });
    // Another 0.x version is kept, so that the file is written again as it was.
    const same = version.minor === GOSYNC_VERSION.minor && version.patch === GOSYNC_VERSION.patch;
    return index && (same ? index : { ...index, meta: { [VERSION_KEY]: `${version.major}.${version.minor}.${version.patch}` } });
  },
  unfit(index) {
    if (index.strongHash !== 'md5' || index.strongLength !== STRONG || index.fileHash) {
      return 'the go-sync format holds only full MD5 block digests and no whole-file hash; use the deltasync format';
    }
    if ((index.urls?.length ?? 0) > 0) return 'the go-sync format holds no reference URL; use the deltasync format';
    return plainSumsProblem('go-sync', index);
  },
  encode(index: BlockIndex) {
    const out = new Uint8Array(HEADER + index.blockCount * recordSize(STRONG));
    const view = new DataView(out.buffer);
    const kept = index.meta?.[VERSION_KEY]?.split('.').map(Number);
    writeMagicAndVersion(view, kept?.length === 3 && kept[0] === 0 ? { major: 0, minor: kept[1], patch: kept[2] } : GOSYNC_VERSION);
    view.setBigInt64(12, BigInt(index.fileSize), true);
    view.setUint32(20, index.blockSize, true);
    writeRecords(index, out, HEADER);
    return out;
  },
};

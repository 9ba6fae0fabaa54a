import { strongHashEntry } from '../checksum/registry.js';
import { blockCountOf, type BlockIndex, blockSizeProblem, strongLengthProblem } from '../index/block-index.js';
import type { ByteReader } from './header.js';

/** Bytes per record: a 4-byte little-endian weak sum, then the strong digest. */
export function recordSize(strongLength: number): number {
  return 4 + strongLength;
}

/** Writes the block records of `index` into `out` starting at `offset`. */
export function writeRecords(index: BlockIndex, out: Uint8Array, offset: number): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const sl = index.strongLength;
  for (let k = 0, p = offset; k < index.blockCount; k++, p += 4 + sl) {
    view.setInt32(p, index.weak[k], true);
    out.set(index.strong.subarray(k * sl, (k + 1) * sl), p + 4);
  }
}

/** Reads `count` block records of `strongLength` bytes from `bytes` at `offset`. */
export function readRecords(
  bytes: Uint8Array,
  offset: number,
  count: number,
  strongLength: number,
): { weak: Int32Array; strong: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const weak = new Int32Array(count);
  const strong = new Uint8Array(count * strongLength);
  for (let k = 0, p = offset; k < count; k++, p += 4 + strongLength) {
    weak[k] = view.getInt32(p, true);
    strong.set(bytes.subarray(p + 4, p + 4 + strongLength), k * strongLength);
  }
  return { weak, strong };
}

/**
 * Reads the block records that fill the rest of the file, checking their count exactly; returns
 * undefined when `r` holds only the start of the file (a check of the header before reading on).
 */
export function decodeBody(
  r: ByteReader,
  bad: (msg: string) => Error,
  h: Pick<BlockIndex, 'fileSize' | 'blockSize' | 'strongHash' | 'strongLength' | 'fileHash'>,
): BlockIndex | undefined {
  const sizeProblem = blockSizeProblem(h.blockSize);
  if (sizeProblem) throw bad(sizeProblem);
  const strongProblem = strongLengthProblem(h.strongLength, strongHashEntry(h.strongHash), h.fileHash !== undefined);
  if (strongProblem) throw bad(strongProblem);
  const blockCount = blockCountOf(h.fileSize, h.blockSize);
  const rec = recordSize(h.strongLength);
  const expected = blockCount * rec;
  const body = r.total - r.pos;
  if (body !== expected) {
    const what = body < expected ? 'truncated' : 'over-long';
    throw bad(
      `${what} index: ${body} bytes of block records, expected ${expected} ` +
        `(${blockCount} ${blockCount === 1 ? 'block' : 'blocks'} of ${h.blockSize} bytes for a file of ${h.fileSize} bytes)`,
    );
  }
  if (r.bytes.length < r.total) return undefined; // only the header was read, and it holds up
  const { weak, strong } = readRecords(r.bytes, r.pos, blockCount, h.strongLength);
  return { ...h, blockCount, weak, strong };
}

/**
 * The block table of a zsync control file: per block, the last `rsumBytes` of the rolling sum
 * stored as big-endian a ‖ b, then the first `checksumBytes` of the strong hash (zsyncmake's
 * fcopy_hashes in make.c; zsync_read_blocksums in libzsync/zsync.c).
 *
 * In a {@link BlockIndex} the weak sum is go-sync's `(a & 0xffff) | (b << 16)`, so the bytes kept
 * map to these bits of it: 4 → all; 3 → a's low byte and b; 2 → b; 1 → b's low byte.
 */

const MASKS = [0, 0x00ff0000, 0xffff0000 | 0, 0xffff00ff | 0, -1] as const;

/** The {@link BlockIndex.weakMask} of a table that keeps `rsumBytes` (1 to 4) bytes of each rolling sum. */
export function weakMaskOfRsumBytes(rsumBytes: number): number {
  return MASKS[rsumBytes];
}

/** The rsum bytes a weak mask stands for (1 to 4), or undefined when zsync cannot keep those bits. */
export function rsumBytesOfWeakMask(mask: number): number | undefined {
  const i = MASKS.indexOf((mask | 0) as (typeof MASKS)[number]);
  return i > 0 ? i : undefined;
}

/** Reads `count` records from `bytes` at `offset`: weak sums (masked, go-sync layout) and strong digests. */
export function readZsyncTable(
  bytes: Uint8Array,
  offset: number,
  count: number,
  rsumBytes: number,
  checksumBytes: number,
): { weak: Int32Array; strong: Uint8Array } {
  const weak = new Int32Array(count);
  const strong = new Uint8Array(count * checksumBytes);
  const rec = rsumBytes + checksumBytes;
  for (let k = 0, p = offset; k < count; k++, p += rec) {
    // Right-align the kept bytes into a_hi a_lo b_hi b_lo.
    let v = 0;
    for (let i = 0; i < rsumBytes; i++) v = (v << 8) | bytes[p + i];
    const a = (v >>> 16) & 0xffff;
    const b = v & 0xffff;
    weak[k] = a | (b << 16);
    strong.set(bytes.subarray(p + rsumBytes, p + rec), k * checksumBytes);
  }
  return { weak, strong };
}

/** Writes the records of `weak`/`strong` (strong digests of `strongLength` bytes, of which `checksumBytes` are written) into `out` at `offset`. */
export function writeZsyncTable(
  weak: Int32Array,
  strong: Uint8Array,
  strongLength: number,
  rsumBytes: number,
  checksumBytes: number,
  out: Uint8Array,
  offset: number,
): void {
  const rec = rsumBytes + checksumBytes;
  for (let k = 0, p = offset; k < weak.length; k++, p += rec) {
    const w = weak[k];
    const a = w & 0xffff;
    const b = (w >>> 16) & 0xffff;
    const four = [a >>> 8, a & 0xff, b >>> 8, b & 0xff];
    for (let i = 0; i < rsumBytes; i++) out[p + i] = four[4 - rsumBytes + i];
    out.set(strong.subarray(k * strongLength, k * strongLength + checksumBytes), p + rsumBytes);
  }
}

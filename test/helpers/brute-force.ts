/**
 * A reference implementation of what scanFile must find, written independently of the library:
 * it compares bytes (a Rabin–Karp hash only picks candidates) and follows the documented rule
 * (README, "How matching works"):
 *
 * - the main scan: greedy from offset 0; where the window of `blockSize` bytes equals some full
 *   reference block, record it and jump past it; otherwise move one byte;
 * - the short last block (the file size not a multiple of the block size) counts wherever it is
 *   (the local files of the tests are below the size up to which every offset is searched);
 * - the second look: blocks still missing are found at the offsets the main scan jumped over
 *   after a repeat (a match of a block matched before), and at every skipped offset when those
 *   are at most `ratio` times the missing bytes.
 *
 * It does not model the cost bound (weak-sum collisions: none in random data).
 */
export interface BruteForceResult {
  /** For each reference block, whether the scan must find it. */
  found: boolean[];
  /** For each reference block, every local offset that holds its content. */
  present: number[][];
  /** Whether the second look re-examined every skipped offset. */
  lookedEverywhere: boolean;
}

const P = 2147483647; // 2^31 - 1
const B = 257;

function rkHash(d: Uint8Array, start: number, len: number): number {
  let h = 0;
  for (let i = start; i < start + len; i++) h = (h * B + d[i]) % P;
  return h;
}

function same(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}

/** Every offset of `hay` where `needle[from, from + len)` occurs. */
function occurrences(hay: Uint8Array, needle: Uint8Array, from: number, len: number): number[] {
  const out: number[] = [];
  if (len === 0 || len > hay.length) return out;
  let powL1 = 1;
  for (let j = 0; j < len - 1; j++) powL1 = (powL1 * B) % P;
  const want = rkHash(needle, from, len);
  let h = rkHash(hay, 0, len);
  for (let i = 0; i + len <= hay.length; i++) {
    if (h === want && same(hay, i, needle, from, len)) out.push(i);
    if (i + len < hay.length) h = ((h + 256 * P - hay[i] * powL1) * B + hay[i + len]) % P;
  }
  return out;
}

export function bruteForceScan(ref: Uint8Array, blockSize: number, local: Uint8Array, ratio = 4): BruteForceResult {
  const L = blockSize;
  const n = Math.ceil(ref.length / L);
  const S = ref.length % L;
  const full = S ? n - 1 : n;
  // The first block with the same content (full blocks only), found by hash then bytes.
  const rep: number[] = [];
  const byHash = new Map<number, number[]>();
  for (let k = 0; k < full; k++) {
    const h = rkHash(ref, k * L, L);
    const list = byHash.get(h) ?? [];
    const r = list.find((j) => same(ref, j * L, ref, k * L, L));
    if (r === undefined) {
      list.push(k);
      byHash.set(h, list);
      rep.push(k);
    } else rep.push(r);
  }
  // Every local offset holding each representative: one rolling pass over the local file.
  const repOffsets = new Map<number, number[]>();
  if (full > 0 && L <= local.length) {
    let powL1 = 1;
    for (let j = 0; j < L - 1; j++) powL1 = (powL1 * B) % P;
    let h = rkHash(local, 0, L);
    for (let i = 0; i + L <= local.length; i++) {
      const r = byHash.get(h)?.find((j) => same(local, i, ref, j * L, L));
      if (r !== undefined) {
        const list = repOffsets.get(r) ?? [];
        list.push(i);
        repOffsets.set(r, list);
      }
      if (i + L < local.length) h = ((h + 256 * P - local[i] * powL1) * B + local[i + L]) % P;
    }
  }
  const present: number[][] = [];
  for (let k = 0; k < full; k++) present.push(repOffsets.get(rep[k]) ?? []);
  if (S) present.push(occurrences(local, ref, full * L, S));
  // Which full block (representative) each local offset holds, or -1.
  const at = new Int32Array(Math.max(0, local.length)).fill(-1);
  for (let k = 0; k < full; k++) if (rep[k] === k) for (const o of present[k]) at[o] = k;

  // Main scan.
  const matchedMain = new Set<number>();
  const skippedAll: [number, number][] = [];
  const skippedRepeats: [number, number][] = [];
  const last = local.length - L;
  for (let i = 0; i <= last; ) {
    const k = at[i];
    if (k < 0) {
      i++;
      continue;
    }
    const w: [number, number] = [i + 1, Math.min(i + L, last + 1)];
    if (w[1] > w[0]) {
      skippedAll.push(w);
      if (matchedMain.has(k)) skippedRepeats.push(w);
    }
    matchedMain.add(k);
    i += L;
  }
  const found: boolean[] = [];
  let missingBytes = 0;
  for (let k = 0; k < n; k++) {
    const f = k < full ? matchedMain.has(rep[k]) : present[k].length > 0;
    found.push(f);
    if (!f) missingBytes += Math.min(L, ref.length - k * L);
  }
  const skipped = skippedAll.reduce((s, [a, b]) => s + b - a, 0);
  const lookedEverywhere = skipped <= ratio * missingBytes;
  const windows = lookedEverywhere ? skippedAll : skippedRepeats;
  // Skipped windows are in increasing, non-overlapping order: a binary search finds the one
  // that could hold an offset.
  const inWindow = (o: number) => {
    let lo = 0;
    let hi = windows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (windows[mid][1] <= o) lo = mid + 1;
      else hi = mid;
    }
    return lo < windows.length && windows[lo][0] <= o;
  };
  for (let k = 0; k < full; k++) {
    if (found[k]) continue;
    found[k] = present[k].some(inWindow);
  }
  return { found, present, lookedEverywhere };
}

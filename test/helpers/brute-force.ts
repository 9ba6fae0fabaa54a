/**
 * A reference implementation of what scanFile must find, written independently of the library:
 * it compares bytes (a Rabin–Karp hash only picks candidates) and follows the documented rules:
 *
 * - greedy scan from offset 0: where the window of `blockSize` bytes equals some full reference
 *   block, record (offset, first block with that content) and jump past it; otherwise move one byte;
 * - the short last block is looked for right after each match of the block that precedes it in
 *   the reference, and at the very end of the local file;
 * - for every block, prefer the offset that continues the previous block's copy, else the first.
 */
export interface BruteForceResult {
  pos: number[];
  block: number[];
  blockOffsets: number[];
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

export function bruteForceScan(ref: Uint8Array, blockSize: number, local: Uint8Array): BruteForceResult {
  const L = blockSize;
  const n = Math.ceil(ref.length / L);
  const S = ref.length % L;
  const full = S ? n - 1 : n;
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
  if (S) rep.push(n - 1);
  const tail = n - 1;
  const tailAnchor = S && n >= 2 ? rep[n - 2] : -1;
  const tailAt = (i: number) => i + S <= local.length && same(local, i, ref, tail * L, S);

  let powL1 = 1;
  for (let j = 0; j < L - 1; j++) powL1 = (powL1 * B) % P;

  const pos: number[] = [];
  const block: number[] = [];
  let i = 0;
  let h = full > 0 && L <= local.length ? rkHash(local, 0, L) : 0;
  while (full > 0 && i + L <= local.length) {
    const r = (byHash.get(h) ?? []).find((j) => same(local, i, ref, j * L, L));
    if (r !== undefined) {
      pos.push(i);
      block.push(r);
      if (r === tailAnchor && tailAt(i + L)) {
        pos.push(i + L);
        block.push(tail);
      }
      i += L;
      if (i + L <= local.length) h = rkHash(local, i, L);
      continue;
    }
    if (i + L < local.length) h = ((h + 256 * P - local[i] * powL1) * B + local[i + L]) % P;
    i++;
  }
  if (S && local.length >= S) {
    const at = local.length - S;
    const already = pos.some((p, j) => p === at && block[j] === tail);
    if (!already && tailAt(at)) {
      pos.push(at);
      block.push(tail);
    }
  }

  const blockOffsets: number[] = [];
  for (let k = 0; k < n; k++) {
    const offs = pos.filter((_, j) => block[j] === rep[k]);
    const prev = k > 0 ? blockOffsets[k - 1] : -1;
    const want = prev >= 0 ? prev + L : -1;
    blockOffsets.push(offs.length === 0 ? -1 : want >= 0 && offs.includes(want) ? want : offs[0]);
  }
  return { pos, block, blockOffsets };
}

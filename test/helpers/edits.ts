import fc from 'fast-check';
import { concat, Rng } from './random.js';

/**
 * An edit of a byte array, placed by fractions of its current length so that any edit applies to
 * any file. Random bytes come from `seed`.
 */
export type Edit =
  | { kind: 'insert'; at: number; length: number; seed: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'overwrite'; at: number; length: number; seed: number }
  | { kind: 'move'; from: number; to: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; length: number; seed: number };

const frac = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const len = fc.integer({ min: 1, max: 20_000 });
const seed = fc.integer({ min: 0, max: 0x7fffffff });

/** One edit of any kind. */
export const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: frac, length: len, seed }),
  fc.record({ kind: fc.constant('delete' as const), at: frac, length: len }),
  fc.record({ kind: fc.constant('overwrite' as const), at: frac, length: fc.integer({ min: 1, max: 3000 }), seed }),
  fc.record({ kind: fc.constant('move' as const), from: frac, to: frac, length: len }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0.5, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('append' as const), length: len, seed }),
);

/** Applies `edits` in order to a copy of `data`. */
export function applyEdits(data: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let d: Uint8Array = data.slice();
  for (const e of edits) d = applyEdit(d, e);
  return d;
}

function applyEdit(d: Uint8Array, e: Edit): Uint8Array {
  const n = d.length;
  switch (e.kind) {
    case 'insert': {
      const at = Math.floor(e.at * (n + 1));
      return concat(d.subarray(0, at), new Rng(e.seed).bytes(e.length), d.subarray(at));
    }
    case 'delete': {
      const at = Math.floor(e.at * n);
      return concat(d.subarray(0, at), d.subarray(Math.min(n, at + e.length)));
    }
    case 'overwrite': {
      const at = Math.floor(e.at * n);
      const out = d.slice();
      out.set(new Rng(e.seed).bytes(Math.min(e.length, n - at)), at);
      return out;
    }
    case 'move': {
      // Cut a slice out and put it back elsewhere.
      const from = Math.floor(e.from * n);
      const slice = d.slice(from, Math.min(n, from + e.length));
      const rest = concat(d.subarray(0, from), d.subarray(from + slice.length));
      const to = Math.floor(e.to * (rest.length + 1));
      return concat(rest.subarray(0, to), slice, rest.subarray(to));
    }
    case 'truncate':
      return d.slice(0, Math.floor(e.at * n));
    case 'append':
      return concat(d, new Rng(e.seed).bytes(e.length));
  }
}

/**
 * MatchList.sortByPosition: offset order, then block, without repeats, whether the list came in
 * order (one pass) or not (sorted).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MatchList } from '../../src/match/match-list.js';

const pairsArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 5 })), { maxLength: 60 });

test('property: sortByPosition orders by offset then block and drops repeats, sorted input or not', () => {
  fc.assert(
    fc.property(pairsArb, fc.boolean(), (pairs, presorted) => {
      const input = presorted ? [...pairs].sort((x, y) => x[0] - y[0] || x[1] - y[1]) : pairs;
      const m = new MatchList(2);
      for (const [p, b] of input) m.push(p, b);
      m.sortByPosition();
      const want = [...new Set(pairs.map(([p, b]) => `${p},${b}`))].map((s) => s.split(',').map(Number)).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      const got = Array.from({ length: m.length }, (_, i) => [m.pos[i], m.block[i]]);
      assert.deepEqual(got, want);
    }),
    { numRuns: 300 },
  );
});

test('a list already in order is left as it is; one out of order by a single pair is sorted', () => {
  const m = new MatchList();
  for (const [p, b] of [[0, 1], [4, 2], [8, 3], [8, 4]]) m.push(p, b);
  const pos = m.pos;
  m.sortByPosition();
  assert.equal(m.pos, pos, 'no new arrays for a list in order');
  assert.equal(m.length, 4);
  m.push(2, 9);
  m.sortByPosition();
  assert.deepEqual(Array.from(m.pos.subarray(0, m.length)), [0, 2, 4, 8, 8]);
  assert.deepEqual(Array.from(m.block.subarray(0, m.length)), [1, 9, 2, 3, 4]);
});

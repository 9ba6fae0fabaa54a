// Source of roll-kernel.wasm (assembled by scripts/compile-wat.mjs in `npm run build`): the
// scan's hot loop (match/scan-buffer.ts, rollToCandidate) in WebAssembly. This file prints the
// WAT: three variants of one loop, unrolled four windows a turn.
//
// roll, rollMasked (p, stop, end, L, shift, a, b, slotsAt, slotsShift, weakAt, wm) -> address
// rollPairs (…, wm, a2, b2, pairsAt, pairsShift, lastWeak, runEnd, setAt, setShift) -> address
//   Rolls the weak sum of a window of L bytes from address p and returns the address of the first
//   window whose (masked) weak sum is in the index's table, or stop. Every window p <= q < stop
//   is examined and rolled past, so that at stop the sums are those of the window at stop, except
//   the window at end - 1, the last there is (the byte after it may not be there): it is examined
//   without rolling. a and b are the window's sums as int32 (only their low 16 bits matter); the
//   values reached are left at addresses 0 and 4.
//
// The prefilter is index/lookup.ts's, at address 1024: with w = (a & 0xffff) | (b << 16) and
// h = imul(w, 0x9e3779b1), word h >>> shift holds bits (1 << h) and (1 << (h >>> 5)) for every
// sum in the table (WebAssembly takes shift counts mod 32, as JavaScript does). Masked variants
// key an index whose weak sums keep only the bits wm: x = w & wm, h = imul(x ^ (x >>> 16), …).
// (Testing one bit of the two saves instructions but lets twice as many windows through to the
// table: measured no faster at 64 or 128 bits a block.) A window the filter passes is looked up in
// the table (slots at slotsAt, keyed by imul(w', 0x9e3779b1) >>> slotsShift with w' the masked
// sum; 1 + block, 0 empty; weak sums of blocks at weakAt), so false passes stay in here.
//
// rollPairs is rollMasked for an index whose blocks count only two at a time (matchRun 2, as
// zsync's): it also rolls the sums a2, b2 of the window a block later, and tests the pair first:
// a window is looked at further only when that next window can follow it (the pairs filter of
// index/lookup.ts at pairsAt: h = pairBit(w, w2), word h >>> pairsShift, both bits; then the
// exact set of pairs at setAt, 0 for none), when its sum is the last block's (nothing follows
// that one), or when it starts at runEnd (it continues a run): what pairPossible in
// scan-buffer.ts decides. At zsync's 16-bit sums most windows have some block's sum, so the
// pair, not the prefilter, is what turns them away. The caller keeps the second window inside
// the buffer (p + 2L <= its end).

const BITS_AT = 1024;
const get = (x) => `(local.get ${x})`;

/** Sets $w (the masked weak sum) and $h (the prefilter hash) from $a and $b. */
function key(masked) {
  const w = `(i32.or (i32.and ${get('$a')} (i32.const 0xffff)) (i32.shl ${get('$b')} (i32.const 16)))`;
  if (!masked) return [`(local.set $w ${w})`, `(local.set $h (i32.mul ${get('$w')} (i32.const 0x9e3779b1)))`];
  return [
    `(local.set $w (i32.and ${w} ${get('$wm')}))`,
    `(local.set $h (i32.mul (i32.xor ${get('$w')} (i32.shr_u ${get('$w')} (i32.const 16))) (i32.const 0x9e3779b1)))`,
  ];
}

/** The prefilter's word for hash h (index/lookup.ts: word h >>> shift, at BITS_AT). */
const prefilterWord = (h) => `(i32.load offset=${BITS_AT} (i32.shl (i32.shr_u ${get(h)} ${get('$shift')}) (i32.const 2)))`;

/** The pairs filter's word for hash h (word h >>> pairsShift, at pairsAt). */
const pairsWord = (h) => `(i32.load (i32.add ${get('$pairsAt')} (i32.shl (i32.shr_u ${get(h)} ${get('$pairsShift')}) (i32.const 2))))`;

/**
 * Whether the word `word(h)` of a two-bit Bloom filter has both bits of hash h set (index/lookup.ts's
 * prefilterMask: bits h and h >>> 5, shift counts taken mod 32).
 */
function bothBits(word, h) {
  const mask = `(local.tee $m (i32.or (i32.shl (i32.const 1) ${get(h)}) (i32.shl (i32.const 1) (i32.shr_u ${get(h)} (i32.const 5)))))`;
  return `(i32.eq (i32.and ${word(h)} ${mask}) ${get('$m')})`;
}

/** Branches to `label` when the window ($w, $h) passes the filter and is in the table. */
function check(masked, label) {
  const pass = bothBits(prefilterWord, '$h');
  const slotKey = masked ? `(i32.mul ${get('$w')} (i32.const 0x9e3779b1))` : get('$h');
  return `(if ${pass} (then (br_if ${label} (call $inTable ${get('$w')} ${slotKey} ${get('$slotsAt')} ${get('$slotsShift')} ${get('$weakAt')}))))`;
}

/**
 * For rollPairs: branches to `label` when the window at p + k passes the prefilter, can begin a
 * pair (the pairs filter, then the exact set) or is the last block's or starts at runEnd, and
 * is in the table. The pair comes before the table: at zsync's 16-bit sums most windows have some
 * block's sum, and only the pair tells them apart (a probe of the table is a cache miss).
 * `pairFirst` tests the pair before the prefilter too: for an index whose prefilter lets most
 * windows through (a branch taken at random costs more than the pair's arithmetic).
 */
function checkPairs(label, k, pairFirst) {
  const pass = bothBits(prefilterWord, '$h');
  const w2 = `(i32.and (i32.or (i32.and ${get('$a2')} (i32.const 0xffff)) (i32.shl ${get('$b2')} (i32.const 16))) ${get('$wm')})`;
  const x = `(i32.xor ${get('$w')} (i32.mul (i32.xor ${get('$w2')} (i32.shr_u ${get('$w2')} (i32.const 16))) (i32.const 0x85ebca6b)))`;
  const bloom = bothBits(pairsWord, '$hp');
  const inSet = `(call $pairInSet ${get('$w')} ${get('$w2')} ${get('$hp')} ${get('$weakAt')} ${get('$setAt')} ${get('$setShift')})`;
  const exempt = `(i32.or (i32.eq ${get('$w')} ${get('$lastWeak')}) (i32.eq (i32.add ${get('$p')} (i32.const ${k})) ${get('$runEnd')}))`;
  const pairOrExempt = `(if (result i32) ${exempt} (then (i32.const 1)) (else ${[
    `(local.set $w2 ${w2})`,
    `(local.set $x ${x})`,
    `(local.set $hp (i32.mul (i32.xor ${get('$x')} (i32.shr_u ${get('$x')} (i32.const 16))) (i32.const 0x9e3779b1)))`,
    `(if (result i32) ${bloom} (then ${inSet}) (else (i32.const 0)))`,
  ].join(' ')}))`;
  const inTable = `(call $inTable ${get('$w')} (i32.mul ${get('$w')} (i32.const 0x9e3779b1)) ${get('$slotsAt')} ${get('$slotsShift')} ${get('$weakAt')})`;
  return pairFirst
    ? `(if ${pairOrExempt} (then (if ${pass} (then (br_if ${label} ${inTable})))))`
    : `(if ${pass} (then (if ${pairOrExempt} (then (br_if ${label} ${inTable})))))`;
}

const byte = (word, k) => (k < 3 ? `(i32.and (i32.shr_u ${get(word)} (i32.const ${8 * k})) (i32.const 255))` : `(i32.shr_u ${get(word)} (i32.const 24))`);

function rollBy(outByte, inByte) {
  return [
    `(local.set $o ${outByte})`,
    `(local.set $a (i32.add (i32.sub ${get('$a')} ${get('$o')}) ${inByte}))`,
    `(local.set $b (i32.add (i32.sub ${get('$b')} (i32.mul ${get('$Lm')} ${get('$o')})) ${get('$a')}))`,
  ];
}

/** Rolls the second window's sums ($a2, $b2) past a byte. */
function rollSecond(outByte, inByte) {
  return [
    `(local.set $o2 ${outByte})`,
    `(local.set $a2 (i32.add (i32.sub ${get('$a2')} ${get('$o2')}) ${inByte}))`,
    `(local.set $b2 (i32.add (i32.sub ${get('$b2')} (i32.mul ${get('$Lm')} ${get('$o2')})) ${get('$a2')}))`,
  ];
}

function variant(masked, pairs = false, pairFirst = false) {
  const name = pairs ? (pairFirst ? 'rollPairFirst' : 'rollPairs') : masked ? 'rollMasked' : 'roll';
  const labels = ['$found', '$at1', '$at2', '$at3'];
  const test = (label, k) => (pairs ? checkPairs(label, k, pairFirst) : check(masked, label));
  const quad = [];
  for (let k = 0; k < 4; k++) {
    quad.push(`;; the window at p + ${k}`, ...key(masked), test(labels[k], k), ...rollBy(byte('$wo', k), byte('$wi', k)));
    if (pairs) quad.push(...rollSecond(byte('$wi', k), byte('$wi2', k)));
  }
  const one = [...key(masked), test('$found', 0)];
  const pairParams = pairs
    ? ' (param $a2 i32) (param $b2 i32) (param $pairsAt i32) (param $pairsShift i32) (param $lastWeak i32) (param $runEnd i32) (param $setAt i32) (param $setShift i32)'
    : '';
  const pairLocals = pairs ? ' (local $o2 i32) (local $wi2 i32) (local $w2 i32) (local $x i32) (local $hp i32)' : '';
  const loadSecond = pairs ? `(local.set $wi2 (i32.load (i32.add ${get('$p')} (i32.shl ${get('$L')} (i32.const 1)))))` : '';
  const rollOneSecond = pairs ? rollSecond(`(i32.load8_u (i32.add ${get('$p')} ${get('$L')}))`, `(i32.load8_u (i32.add ${get('$p')} (i32.shl ${get('$L')} (i32.const 1))))`).join('\n        ') : '';
  return `
  (func (export "${name}") (param $p i32) (param $stop i32) (param $end i32) (param $L i32) (param $shift i32) (param $a i32) (param $b i32)
      (param $slotsAt i32) (param $slotsShift i32) (param $weakAt i32) (param $wm i32)${pairParams} (result i32)
    (local $w i32) (local $h i32) (local $m i32) (local $o i32) (local $wo i32) (local $wi i32) (local $Lm i32) (local $last i32) (local $qlast i32)${pairLocals}
    (local.set $Lm (i32.and ${get('$L')} (i32.const 0xffff)))
    (local.set $last (i32.sub ${get('$end')} (i32.const 1)))
    (local.set $qlast (select ${get('$stop')} ${get('$last')} (i32.lt_s ${get('$stop')} ${get('$last')})))
    (block $found
    (block $at3 (block $at2 (block $at1
      ;; Four windows a turn while all four can roll (p + 3 < stop and p + 3 < last), the leaving
      ;; and entering bytes taken from one 32-bit load each.
      (block $tail
        (loop $quad
          (br_if $tail (i32.gt_s (i32.add ${get('$p')} (i32.const 4)) ${get('$qlast')}))
          (local.set $wo (i32.load ${get('$p')}))
          (local.set $wi (i32.load (i32.add ${get('$p')} ${get('$L')})))
          ${loadSecond}
          ${quad.join('\n          ')}
          (local.set $p (i32.add ${get('$p')} (i32.const 4)))
          (br $quad)))
      ;; The rest one at a time, up to stop (the sums then belong to the window at stop); the
      ;; window at end - 1 is examined without rolling (the byte after it may not be there).
      (loop $one
        (br_if $found (i32.ge_s ${get('$p')} ${get('$stop')}))
        ${one.join('\n        ')}
        (if (i32.ge_s ${get('$p')} ${get('$last')}) (then (local.set $p ${get('$stop')}) (br $found)))
        ${rollBy(`(i32.load8_u ${get('$p')})`, `(i32.load8_u (i32.add ${get('$p')} ${get('$L')}))`).join('\n        ')}
        ${rollOneSecond}
        (local.set $p (i32.add ${get('$p')} (i32.const 1)))
        (br $one)))
      (local.set $p (i32.add ${get('$p')} (i32.const 1))) (br $found))
      (local.set $p (i32.add ${get('$p')} (i32.const 2))) (br $found))
      (local.set $p (i32.add ${get('$p')} (i32.const 3))))
    (i32.store (i32.const 0) ${get('$a')})
    (i32.store (i32.const 4) ${get('$b')})
    ${get('$p')})`;
}

/** Whether weak sum w (slot key k) is in the table: open addressing, linear probing. */
const IN_TABLE = `
  (func $inTable (param $w i32) (param $k i32) (param $slotsAt i32) (param $slotsShift i32) (param $weakAt i32) (result i32)
    (local $s i32) (local $mask i32) (local $e i32)
    (local.set $mask (i32.sub (i32.shl (i32.const 1) (i32.sub (i32.const 32) ${get('$slotsShift')})) (i32.const 1)))
    (local.set $s (i32.shr_u ${get('$k')} ${get('$slotsShift')}))
    (loop $probe
      (local.set $e (i32.load (i32.add ${get('$slotsAt')} (i32.shl ${get('$s')} (i32.const 2)))))
      (if (i32.eqz ${get('$e')}) (then (return (i32.const 0))))
      (if (i32.eq (i32.load (i32.add ${get('$weakAt')} (i32.shl (i32.sub ${get('$e')} (i32.const 1)) (i32.const 2)))) ${get('$w')})
        (then (return (i32.const 1))))
      (local.set $s (i32.and (i32.add ${get('$s')} (i32.const 1)) ${get('$mask')}))
      (br $probe))
    (i32.const 0))`;

/**
 * Whether sums w, w2 are those of two consecutive blocks, by the exact set of pairs at setAt
 * (index/lookup.ts's pairInSet: h >>> setShift, linear probing, 1 + k for blocks k, k + 1, at
 * most 64 probes); true where the set cannot tell (setAt 0: no set, or probes ran out).
 */
const PAIR_IN_SET = `
  (func $pairInSet (param $w i32) (param $w2 i32) (param $h i32) (param $weakAt i32) (param $setAt i32) (param $setShift i32) (result i32)
    (local $s i32) (local $mask i32) (local $e i32) (local $probes i32) (local $at i32)
    (if (i32.eqz ${get('$setAt')}) (then (return (i32.const 1))))
    (local.set $mask (i32.sub (i32.shl (i32.const 1) (i32.sub (i32.const 32) ${get('$setShift')})) (i32.const 1)))
    (local.set $s (i32.shr_u ${get('$h')} ${get('$setShift')}))
    (loop $probe
      (local.set $e (i32.load (i32.add ${get('$setAt')} (i32.shl ${get('$s')} (i32.const 2)))))
      (if (i32.eqz ${get('$e')}) (then (return (i32.const 0))))
      (local.set $at (i32.add ${get('$weakAt')} (i32.shl (i32.sub ${get('$e')} (i32.const 1)) (i32.const 2))))
      (if (i32.and (i32.eq (i32.load ${get('$at')}) ${get('$w')}) (i32.eq (i32.load offset=4 ${get('$at')}) ${get('$w2')}))
        (then (return (i32.const 1))))
      (local.set $s (i32.and (i32.add ${get('$s')} (i32.const 1)) ${get('$mask')}))
      (br_if $probe (i32.lt_u (local.tee $probes (i32.add ${get('$probes')} (i32.const 1))) (i32.const 64))))
    (i32.const 1))`;

export default function wat() {
  return `(module
  (memory (export "memory") 1)${IN_TABLE}${PAIR_IN_SET}${variant(false)}${variant(true)}${variant(true, true)}${variant(true, true, true)}
)
`;
}

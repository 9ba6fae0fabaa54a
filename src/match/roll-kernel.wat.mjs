// Source of roll-kernel.wasm (assembled by scripts/compile-wat.mjs in `npm run build`): the
// scan's hot loop (match/scan-buffer.ts, rollToCandidate) in WebAssembly. This file prints the
// WAT: two variants of one loop, unrolled four windows a turn.
//
// roll, rollMasked (p, stop, L, shift, a, b, slotsAt, slotsShift, weakAt, wm) -> address
//   Rolls the weak sum of a window of L bytes from address p and returns the address of the first
//   window whose (masked) weak sum is in the index's table, or stop. Every window p <= q < stop
//   is examined; the byte after a window is read only to roll past it, so the last one is
//   examined without rolling. a and b are the window's sums as int32 (only their low 16 bits
//   matter); the values reached are left at addresses 0 and 4.
//
// The prefilter is index/lookup.ts's, at address 1024: with w = (a & 0xffff) | (b << 16) and
// h = imul(w, 0x9e3779b1), word h >>> shift holds bits (1 << h) and (1 << (h >>> 5)) for every
// sum in the table (WebAssembly takes shift counts mod 32, as JavaScript does). Masked variants
// key an index whose weak sums keep only the bits wm: x = w & wm, h = imul(x ^ (x >>> 16), …).
// (Testing one bit of the two saves instructions but lets twice as many windows through to the
// table: measured no faster at 64 or 128 bits a block.) A window the filter passes is looked up in
// the table (slots at slotsAt, keyed by imul(w', 0x9e3779b1) >>> slotsShift with w' the masked
// sum; 1 + block, 0 empty; weak sums of blocks at weakAt), so false passes stay in here.

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

/** Branches to `label` when the window ($w, $h) passes the filter and is in the table. */
function check(masked, label) {
  const word = `(i32.load offset=${BITS_AT} (i32.shl (i32.shr_u ${get('$h')} ${get('$shift')}) (i32.const 2)))`;
  const pass = `(i32.eq (i32.and ${word} (local.tee $m (i32.or (i32.shl (i32.const 1) ${get('$h')}) (i32.shl (i32.const 1) (i32.shr_u ${get('$h')} (i32.const 5)))))) ${get('$m')})`;
  const slotKey = masked ? `(i32.mul ${get('$w')} (i32.const 0x9e3779b1))` : get('$h');
  return `(if ${pass} (then (br_if ${label} (call $inTable ${get('$w')} ${slotKey} ${get('$slotsAt')} ${get('$slotsShift')} ${get('$weakAt')}))))`;
}

const byte = (word, k) => (k < 3 ? `(i32.and (i32.shr_u ${get(word)} (i32.const ${8 * k})) (i32.const 255))` : `(i32.shr_u ${get(word)} (i32.const 24))`);

function rollBy(outByte, inByte) {
  return [
    `(local.set $o ${outByte})`,
    `(local.set $a (i32.add (i32.sub ${get('$a')} ${get('$o')}) ${inByte}))`,
    `(local.set $b (i32.add (i32.sub ${get('$b')} (i32.mul ${get('$Lm')} ${get('$o')})) ${get('$a')}))`,
  ];
}

function variant(masked) {
  const name = masked ? 'rollMasked' : 'roll';
  const labels = ['$found', '$at1', '$at2', '$at3'];
  const quad = [];
  for (let k = 0; k < 4; k++) {
    quad.push(`;; the window at p + ${k}`, ...key(masked), check(masked, labels[k]), ...rollBy(byte('$wo', k), byte('$wi', k)));
  }
  const one = [...key(masked), check(masked, '$found')];
  return `
  (func (export "${name}") (param $p i32) (param $stop i32) (param $L i32) (param $shift i32) (param $a i32) (param $b i32)
      (param $slotsAt i32) (param $slotsShift i32) (param $weakAt i32) (param $wm i32) (result i32)
    (local $w i32) (local $h i32) (local $m i32) (local $o i32) (local $wo i32) (local $wi i32) (local $Lm i32) (local $last i32)
    (local.set $Lm (i32.and ${get('$L')} (i32.const 0xffff)))
    (local.set $last (i32.sub ${get('$stop')} (i32.const 1)))
    (block $found
    (block $at3 (block $at2 (block $at1
      ;; Four windows a turn while all four can roll (p + 3 < last), the leaving and entering
      ;; bytes taken from one 32-bit load each.
      (block $tail
        (loop $quad
          (br_if $tail (i32.gt_s (i32.add ${get('$p')} (i32.const 4)) ${get('$last')}))
          (local.set $wo (i32.load ${get('$p')}))
          (local.set $wi (i32.load (i32.add ${get('$p')} ${get('$L')})))
          ${quad.join('\n          ')}
          (local.set $p (i32.add ${get('$p')} (i32.const 4)))
          (br $quad)))
      ;; The last few windows, one at a time; the last is examined without rolling.
      (loop $one
        ${one.join('\n        ')}
        (if (i32.ge_s ${get('$p')} ${get('$last')}) (then (local.set $p ${get('$stop')}) (br $found)))
        ${rollBy(`(i32.load8_u ${get('$p')})`, `(i32.load8_u (i32.add ${get('$p')} ${get('$L')}))`).join('\n        ')}
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

export default function wat() {
  return `(module
  (memory (export "memory") 1)${IN_TABLE}${variant(false)}${variant(true)}
)
`;
}

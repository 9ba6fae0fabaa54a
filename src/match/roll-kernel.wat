;; The scan's hot loop (match/scan-buffer.ts, rollToCandidate) as WebAssembly: rolls the weak
;; sum of a window of L bytes from address p while the prefilter rejects it, and returns the
;; address of the first window it lets through, or stop. Every window p <= q < stop is examined;
;; the byte after a window is read only to roll past it, so the last one is examined without
;; rolling. a and b are the window's sums as int32 (only their low 16 bits matter); the values
;; reached are left at addresses 0 and 4.
;;
;; The prefilter test is index/lookup.ts's written out: with w = (a & 0xffff) | (b << 16) and
;; h = imul(w, 0x9e3779b1), word h >>> shift of the bitset at `bits` must hold both bits
;; (1 << h) and (1 << (h >>> 5)) (WebAssembly takes shift counts mod 32, as JavaScript does).
;; rollMasked keys an index whose weak sums keep only the bits wm: x = w & wm,
;; h = imul(x ^ (x >>> 16), 0x9e3779b1).
;;
;; Memory: addresses 0-7 hold a and b; the caller lays out the bitset and the bytes above them.
(module
  (memory (export "memory") 1)

  ;; roll: see the comment at the top.
  (func (export "roll") (param $p i32) (param $stop i32) (param $L i32) (param $bits i32) (param $shift i32) (param $a i32) (param $b i32) (result i32)
    (local $h i32) (local $m i32) (local $o i32) (local $wo i32) (local $wi i32) (local $Lm i32) (local $last i32)
    (local.set $Lm (i32.and (local.get $L) (i32.const 0xffff)))
    (local.set $last (i32.sub (local.get $stop) (i32.const 1)))
    (block $found
    (block $at3 (block $at2 (block $at1
      ;; Four windows a turn while all four can roll (p + 3 < last), the leaving and entering
      ;; bytes taken from one 32-bit load each.
      (block $tail
        (loop $quad
          (br_if $tail (i32.gt_s (i32.add (local.get $p) (i32.const 4)) (local.get $last)))
          (local.set $wo (i32.load (local.get $p)))
          (local.set $wi (i32.load (i32.add (local.get $p) (local.get $L))))
        ;; the window at p + 0
        (local.set $h (i32.mul (i32.or (i32.and (local.get $a) (i32.const 0xffff)) (i32.shl (local.get $b) (i32.const 16))) (i32.const 0x9e3779b1)))
        (local.set $m (i32.or (i32.shl (i32.const 1) (local.get $h)) (i32.shl (i32.const 1) (i32.shr_u (local.get $h) (i32.const 5)))))
        (br_if $found (i32.eq (i32.and (i32.load (i32.add (local.get $bits) (i32.shl (i32.shr_u (local.get $h) (local.get $shift)) (i32.const 2)))) (local.get $m)) (local.get $m)))
        (local.set $o (i32.and (i32.shr_u (local.get $wo) (i32.const 0)) (i32.const 255)))
        (local.set $a (i32.add (i32.sub (local.get $a) (local.get $o)) (i32.and (i32.shr_u (local.get $wi) (i32.const 0)) (i32.const 255))))
        (local.set $b (i32.add (i32.sub (local.get $b) (i32.mul (local.get $Lm) (local.get $o))) (local.get $a)))
        ;; the window at p + 1
        (local.set $h (i32.mul (i32.or (i32.and (local.get $a) (i32.const 0xffff)) (i32.shl (local.get $b) (i32.const 16))) (i32.const 0x9e3779b1)))
        (local.set $m (i32.or (i32.shl (i32.const 1) (local.get $h)) (i32.shl (i32.const 1) (i32.shr_u (local.get $h) (i32.const 5)))))
        (br_if $at1 (i32.eq (i32.and (i32.load (i32.add (local.get $bits) (i32.shl (i32.shr_u (local.get $h) (local.get $shift)) (i32.const 2)))) (local.get $m)) (local.get $m)))
        (local.set $o (i32.and (i32.shr_u (local.get $wo) (i32.const 8)) (i32.const 255)))
        (local.set $a (i32.add (i32.sub (local.get $a) (local.get $o)) (i32.and (i32.shr_u (local.get $wi) (i32.const 8)) (i32.const 255))))
        (local.set $b (i32.add (i32.sub (local.get $b) (i32.mul (local.get $Lm) (local.get $o))) (local.get $a)))
        ;; the window at p + 2
        (local.set $h (i32.mul (i32.or (i32.and (local.get $a) (i32.const 0xffff)) (i32.shl (local.get $b) (i32.const 16))) (i32.const 0x9e3779b1)))
        (local.set $m (i32.or (i32.shl (i32.const 1) (local.get $h)) (i32.shl (i32.const 1) (i32.shr_u (local.get $h) (i32.const 5)))))
        (br_if $at2 (i32.eq (i32.and (i32.load (i32.add (local.get $bits) (i32.shl (i32.shr_u (local.get $h) (local.get $shift)) (i32.const 2)))) (local.get $m)) (local.get $m)))
        (local.set $o (i32.and (i32.shr_u (local.get $wo) (i32.const 16)) (i32.const 255)))
        (local.set $a (i32.add (i32.sub (local.get $a) (local.get $o)) (i32.and (i32.shr_u (local.get $wi) (i32.const 16)) (i32.const 255))))
        (local.set $b (i32.add (i32.sub (local.get $b) (i32.mul (local.get $Lm) (local.get $o))) (local.get $a)))
        ;; the window at p + 3
        (local.set $h (i32.mul (i32.or (i32.and (local.get $a) (i32.const 0xffff)) (i32.shl (local.get $b) (i32.const 16))) (i32.const 0x9e3779b1)))
        (local.set $m (i32.or (i32.shl (i32.const 1) (local.get $h)) (i32.shl (i32.const 1) (i32.shr_u (local.get $h) (i32.const 5)))))
        (br_if $at3 (i32.eq (i32.and (i32.load (i32.add (local.get $bits) (i32.shl (i32.shr_u (local.get $h) (local.get $shift)) (i32.const 2)))) (local.get $m)) (local.get $m)))
        (local.set $o (i32.shr_u (local.get $wo) (i32.const 24)))
        (local.set $a (i32.add (i32.sub (local.get $a) (local.get $o)) (i32.shr_u (local.get $wi) (i32.const 24))))
        (local.set $b (i32.add (i32.sub (local.get $b) (i32.mul (local.get $Lm) (local.get $o))) (local.get $a)))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br $quad)))
      ;; The last few windows, one at a time; the last is examined without rolling (the byte
      ;; after it may not be there).
      (loop $one
        (local.set $h (i32.mul (i32.or (i32.and (local.get $a) (i32.const 0xffff)) (i32.shl (local.get $b) (i32.const 16))) (i32.const 0x9e3779b1)))
        (local.set $m (i32.or (i32.shl (i32.const 1) (local.get $h)) (i32.shl (i32.const 1) (i32.shr_u (local.get $h) (i32.const 5)))))
        (br_if $found (i32.eq (i32.and (i32.load (i32.add (local.get $bits) (i32.shl (i32.shr_u (local.get $h) (local.get $shift)) (i32.const 2)))) (local.get $m)) (local.get $m)))
        (if (i32.ge_s (local.get $p) (local.get $last))
          (then (local.set $p (local.get $stop)) (br $found)))
        (local.set $o (i32.load8_u (local.get $p)))
        (local.set $a (i32.add (i32.sub (local.get $a) (local.get $o)) (i32.load8_u (i32.add (local.get $p) (local.get $L)))))
        (local.set $b (i32.add (i32.sub (local.get $b) (i32.mul (local.get $Lm) (local.get $o))) (local.get $a)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $one)))
      (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $found))
      (local.set $p (i32.add (local.get $p) (i32.const 2))) (br $found))
      (local.set $p (i32.add (local.get $p) (i32.const 3))))
    (i32.store (i32.const 0) (local.get $a))
    (i32.store (i32.const 4) (local.get $b))
    (local.get $p))

  ;; rollMasked: see the comment at the top.
  (func (export "rollMasked") (param $p i32) (param $stop i32) (param $L i32) (param $bits i32) (param $shift i32) (param $a i32) (param $b i32) (param $wm i32) (result i32)
    (local $h i32) (local $m i32) (local $o i32) (local $wo i32) (local $wi i32) (local $Lm i32) (local $last i32)
    (local.set $Lm (i32.and (local.get $L) (i32.const 0xffff)))
    (local.set $last (i32.sub (local.get $stop) (i32.const 1)))
    (block $found
    (block $at3 (block $at2 (block $at1
      ;; Four windows a turn while all four can roll (p + 3 < last), the leaving and entering
      ;; bytes taken from one 32-bit load each.
      (block $tail
        (loop $quad
          (br_if $tail (i32.gt_s (i32.add (local.get $p) (i32.const 4)) (local.get $last)))
          (local.set $wo (i32.load (local.get $p)))
          (local.set $wi (i32.load (i32.add (local.get $p) (local.get $L))))
        ;; the window at p + 0
        (local.set $h (i32.and (i32.or (i32.and (local.get $a) (i32.const 0xffff)) (i32.shl (local.get $b) (i32.const 16))) (local.get $wm)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (i32.const 0x9e3779b1)))
        (local.set $m (i32.or (i32.shl (i32.const 1) (local.get $h)) (i32.shl (i32.const 1) (i32.shr_u (local.get $h) (i32.const 5)))))
        (br_if $found (i32.eq (i32.and (i32.load (i32.add (local.get $bits) (i32.shl (i32.shr_u (local.get $h) (local.get $shift)) (i32.const 2)))) (local.get $m)) (local.get $m)))
        (local.set $o (i32.and (i32.shr_u (local.get $wo) (i32.const 0)) (i32.const 255)))
        (local.set $a (i32.add (i32.sub (local.get $a) (local.get $o)) (i32.and (i32.shr_u (local.get $wi) (i32.const 0)) (i32.const 255))))
        (local.set $b (i32.add (i32.sub (local.get $b) (i32.mul (local.get $Lm) (local.get $o))) (local.get $a)))
        ;; the window at p + 1
        (local.set $h (i32.and (i32.or (i32.and (local.get $a) (i32.const 0xffff)) (i32.shl (local.get $b) (i32.const 16))) (local.get $wm)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (i32.const 0x9e3779b1)))
        (local.set $m (i32.or (i32.shl (i32.const 1) (local.get $h)) (i32.shl (i32.const 1) (i32.shr_u (local.get $h) (i32.const 5)))))
        (br_if $at1 (i32.eq (i32.and (i32.load (i32.add (local.get $bits) (i32.shl (i32.shr_u (local.get $h) (local.get $shift)) (i32.const 2)))) (local.get $m)) (local.get $m)))
        (local.set $o (i32.and (i32.shr_u (local.get $wo) (i32.const 8)) (i32.const 255)))
        (local.set $a (i32.add (i32.sub (local.get $a) (local.get $o)) (i32.and (i32.shr_u (local.get $wi) (i32.const 8)) (i32.const 255))))
        (local.set $b (i32.add (i32.sub (local.get $b) (i32.mul (local.get $Lm) (local.get $o))) (local.get $a)))
        ;; the window at p + 2
        (local.set $h (i32.and (i32.or (i32.and (local.get $a) (i32.const 0xffff)) (i32.shl (local.get $b) (i32.const 16))) (local.get $wm)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (i32.const 0x9e3779b1)))
        (local.set $m (i32.or (i32.shl (i32.const 1) (local.get $h)) (i32.shl (i32.const 1) (i32.shr_u (local.get $h) (i32.const 5)))))
        (br_if $at2 (i32.eq (i32.and (i32.load (i32.add (local.get $bits) (i32.shl (i32.shr_u (local.get $h) (local.get $shift)) (i32.const 2)))) (local.get $m)) (local.get $m)))
        (local.set $o (i32.and (i32.shr_u (local.get $wo) (i32.const 16)) (i32.const 255)))
        (local.set $a (i32.add (i32.sub (local.get $a) (local.get $o)) (i32.and (i32.shr_u (local.get $wi) (i32.const 16)) (i32.const 255))))
        (local.set $b (i32.add (i32.sub (local.get $b) (i32.mul (local.get $Lm) (local.get $o))) (local.get $a)))
        ;; the window at p + 3
        (local.set $h (i32.and (i32.or (i32.and (local.get $a) (i32.const 0xffff)) (i32.shl (local.get $b) (i32.const 16))) (local.get $wm)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (i32.const 0x9e3779b1)))
        (local.set $m (i32.or (i32.shl (i32.const 1) (local.get $h)) (i32.shl (i32.const 1) (i32.shr_u (local.get $h) (i32.const 5)))))
        (br_if $at3 (i32.eq (i32.and (i32.load (i32.add (local.get $bits) (i32.shl (i32.shr_u (local.get $h) (local.get $shift)) (i32.const 2)))) (local.get $m)) (local.get $m)))
        (local.set $o (i32.shr_u (local.get $wo) (i32.const 24)))
        (local.set $a (i32.add (i32.sub (local.get $a) (local.get $o)) (i32.shr_u (local.get $wi) (i32.const 24))))
        (local.set $b (i32.add (i32.sub (local.get $b) (i32.mul (local.get $Lm) (local.get $o))) (local.get $a)))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br $quad)))
      ;; The last few windows, one at a time; the last is examined without rolling (the byte
      ;; after it may not be there).
      (loop $one
        (local.set $h (i32.and (i32.or (i32.and (local.get $a) (i32.const 0xffff)) (i32.shl (local.get $b) (i32.const 16))) (local.get $wm)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (i32.const 0x9e3779b1)))
        (local.set $m (i32.or (i32.shl (i32.const 1) (local.get $h)) (i32.shl (i32.const 1) (i32.shr_u (local.get $h) (i32.const 5)))))
        (br_if $found (i32.eq (i32.and (i32.load (i32.add (local.get $bits) (i32.shl (i32.shr_u (local.get $h) (local.get $shift)) (i32.const 2)))) (local.get $m)) (local.get $m)))
        (if (i32.ge_s (local.get $p) (local.get $last))
          (then (local.set $p (local.get $stop)) (br $found)))
        (local.set $o (i32.load8_u (local.get $p)))
        (local.set $a (i32.add (i32.sub (local.get $a) (local.get $o)) (i32.load8_u (i32.add (local.get $p) (local.get $L)))))
        (local.set $b (i32.add (i32.sub (local.get $b) (i32.mul (local.get $Lm) (local.get $o))) (local.get $a)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $one)))
      (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $found))
      (local.set $p (i32.add (local.get $p) (i32.const 2))) (br $found))
      (local.set $p (i32.add (local.get $p) (i32.const 3))))
    (i32.store (i32.const 0) (local.get $a))
    (i32.store (i32.const 4) (local.get $b))
    (local.get $p))
)

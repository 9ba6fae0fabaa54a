// Source of simd-sums.wasm (assembled by scripts/compile-wat.mjs in `npm run build`): block sums
// with WebAssembly SIMD. MD5 and MD4 of four messages of equal length at once, one in each 32-bit
// lane; the 64 (MD5) and 48 (MD4) steps are written out by the loops here: this file prints WAT.
//
// Exports:
//   md5(p0, p1, p2, p3, len, out), md4(…): the digests of the `len` bytes at addresses p0..p3,
//     16 bytes each, written one after another at `out`; out + 64 .. out + 576 is scratch.
//   weak(p, len): the go-sync weak checksum of the `len` bytes at p, (a & 0xffff) | (b << 16).
// The memory is imported (env.memory): the caller sums bytes where they already are.

const MD5_S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const MD5_K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);
const MD4_ORDER = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15],
  [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15],
];
const MD4_S = [[3, 7, 11, 19], [3, 5, 9, 13], [3, 9, 11, 15]];
const MD4_K = [0, 0x5a827999, 0x6ed9eba1];
const INIT = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

const get = (x) => `(local.get ${x})`;
const splat = (k) => `(v128.const i32x4 ${k} ${k} ${k} ${k})`;
const rotl = (x, s) => `(v128.or (i32x4.shl ${x} (i32.const ${s})) (i32x4.shr_u ${x} (i32.const ${32 - s})))`;
/** Byte indices of an i8x16.shuffle taking 32-bit lanes `lanes` (0-3 first operand, 4-7 second). */
const lanes = (l) => l.map((x) => `${4 * x} ${4 * x + 1} ${4 * x + 2} ${4 * x + 3}`).join(' ');

/** Transposes the 4x4 matrix of 32-bit words in v0..v3 (rows) into t0..t3, via y0..y3. */
function transpose(v, t) {
  return [
    `(local.set $y0 (i8x16.shuffle ${lanes([0, 4, 1, 5])} ${get(v[0])} ${get(v[1])}))`,
    `(local.set $y1 (i8x16.shuffle ${lanes([2, 6, 3, 7])} ${get(v[0])} ${get(v[1])}))`,
    `(local.set $y2 (i8x16.shuffle ${lanes([0, 4, 1, 5])} ${get(v[2])} ${get(v[3])}))`,
    `(local.set $y3 (i8x16.shuffle ${lanes([2, 6, 3, 7])} ${get(v[2])} ${get(v[3])}))`,
    `(local.set ${t[0]} (i8x16.shuffle ${lanes([0, 1, 4, 5])} (local.get $y0) (local.get $y2)))`,
    `(local.set ${t[1]} (i8x16.shuffle ${lanes([2, 3, 6, 7])} (local.get $y0) (local.get $y2)))`,
    `(local.set ${t[2]} (i8x16.shuffle ${lanes([0, 1, 4, 5])} (local.get $y1) (local.get $y3)))`,
    `(local.set ${t[3]} (i8x16.shuffle ${lanes([2, 3, 6, 7])} (local.get $y1) (local.get $y3)))`,
  ];
}

/** The registers playing a, b, c, d at step i (they rotate one place a step). */
function roles(i) {
  const regs = ['$a', '$b', '$c', '$d'];
  return [0, 1, 2, 3].map((k) => regs[(((k - i) % 4) + 4) % 4]);
}

function md5Steps() {
  const out = [];
  for (let i = 0; i < 64; i++) {
    const [A, B, C, D] = roles(i);
    const round = i >> 4;
    const f = [
      `(v128.bitselect ${get(C)} ${get(D)} ${get(B)})`,
      `(v128.bitselect ${get(B)} ${get(C)} ${get(D)})`,
      `(v128.xor (v128.xor ${get(B)} ${get(C)}) ${get(D)})`,
      `(v128.xor ${get(C)} (v128.or ${get(B)} (v128.not ${get(D)})))`,
    ][round];
    const g = [i, (5 * i + 1) % 16, (3 * i + 5) % 16, (7 * i) % 16][round];
    out.push(`(local.set $t (i32x4.add (i32x4.add ${get(A)} ${f}) (i32x4.add (local.get $m${g}) ${splat(MD5_K[i])})))`);
    out.push(`(local.set ${A} (i32x4.add ${get(B)} ${rotl('(local.get $t)', MD5_S[round * 4 + (i % 4)])}))`);
  }
  return out;
}

function md4Steps() {
  const out = [];
  for (let i = 0; i < 48; i++) {
    const [A, B, C, D] = roles(i);
    const round = Math.floor(i / 16);
    const f = [
      `(v128.bitselect ${get(C)} ${get(D)} ${get(B)})`,
      `(v128.bitselect ${get(D)} ${get(B)} (v128.xor ${get(B)} ${get(C)}))`,
      `(v128.xor (v128.xor ${get(B)} ${get(C)}) ${get(D)})`,
    ][round];
    const x = `(local.get $m${MD4_ORDER[round][i % 16]})`;
    const sum = round === 0 ? `(i32x4.add ${get(A)} (i32x4.add ${f} ${x}))` : `(i32x4.add (i32x4.add ${get(A)} ${f}) (i32x4.add ${x} ${splat(MD4_K[round])}))`;
    out.push(`(local.set $t ${sum})`);
    out.push(`(local.set ${A} ${rotl('(local.get $t)', MD4_S[round][i % 4])})`);
  }
  return out;
}

/** `$name_chunks(p0..p3, n, st)`: runs n 64-byte chunks of each message through the state at st. */
function chunks(name, steps) {
  const locals = ['$a', '$b', '$c', '$d', '$aa', '$bb', '$cc', '$dd', '$t', '$x0', '$x1', '$x2', '$x3', '$y0', '$y1', '$y2', '$y3'];
  for (let w = 0; w < 16; w++) locals.push(`$m${w}`);
  const body = [];
  for (let q = 0; q < 4; q++) {
    for (let s = 0; s < 4; s++) body.push(`(local.set $x${s} (v128.load offset=${16 * q} (local.get $p${s})))`);
    body.push(...transpose(['$x0', '$x1', '$x2', '$x3'], [0, 1, 2, 3].map((k) => `$m${4 * q + k}`)));
  }
  body.push('(local.set $aa (local.get $a)) (local.set $bb (local.get $b)) (local.set $cc (local.get $c)) (local.set $dd (local.get $d))');
  body.push(...steps);
  body.push('(local.set $a (i32x4.add (local.get $a) (local.get $aa))) (local.set $b (i32x4.add (local.get $b) (local.get $bb)))');
  body.push('(local.set $c (i32x4.add (local.get $c) (local.get $cc))) (local.set $d (i32x4.add (local.get $d) (local.get $dd)))');
  for (let s = 0; s < 4; s++) body.push(`(local.set $p${s} (i32.add (local.get $p${s}) (i32.const 64)))`);
  return `
  (func $${name}_chunks (param $p0 i32) (param $p1 i32) (param $p2 i32) (param $p3 i32) (param $n i32) (param $st i32)
    ${locals.map((l) => `(local ${l} v128)`).join(' ')}
    (local.set $a (v128.load (local.get $st)))
    (local.set $b (v128.load offset=16 (local.get $st)))
    (local.set $c (v128.load offset=32 (local.get $st)))
    (local.set $d (v128.load offset=48 (local.get $st)))
    (block $done (loop $chunk
      (br_if $done (i32.eqz (local.get $n)))
      ${body.join('\n      ')}
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $chunk)))
    (v128.store (local.get $st) (local.get $a))
    (v128.store offset=16 (local.get $st) (local.get $b))
    (v128.store offset=32 (local.get $st) (local.get $c))
    (v128.store offset=48 (local.get $st) (local.get $d)))`;
}

/** The exported `$name(p0..p3, len, out)`: whole chunks in place, then the padded tail in scratch. */
function digest(name) {
  return `
  (func (export "${name}") (param $p0 i32) (param $p1 i32) (param $p2 i32) (param $p3 i32) (param $len i32) (param $out i32)
    (local $full i32) (local $rem i32) (local $pads i32) (local $s i32) (local $src i32) (local $dst i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128) (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128)
    ${INIT.map((k, w) => `(v128.store offset=${16 * w} (local.get $out) ${splat(k)})`).join('\n    ')}
    (local.set $full (i32.shr_u (local.get $len) (i32.const 6)))
    (call $${name}_chunks (local.get $p0) (local.get $p1) (local.get $p2) (local.get $p3) (local.get $full) (local.get $out))
    ;; The tail of each message, then 0x80, zeros and the length in bits (64-bit little-endian),
    ;; in one or two chunks of scratch: out + 64 + 128 s for message s.
    (local.set $rem (i32.and (local.get $len) (i32.const 63)))
    (local.set $pads (select (i32.const 1) (i32.const 2) (i32.lt_u (local.get $rem) (i32.const 56))))
    (local.set $s (i32.const 0))
    (loop $pad
      (local.set $src (i32.add (i32.shl (local.get $full) (i32.const 6))
        (select (select (local.get $p0) (local.get $p1) (i32.eqz (local.get $s)))
                (select (local.get $p2) (local.get $p3) (i32.eq (local.get $s) (i32.const 2)))
                (i32.lt_u (local.get $s) (i32.const 2)))))
      (local.set $dst (i32.add (local.get $out) (i32.add (i32.const 64) (i32.shl (local.get $s) (i32.const 7)))))
      (memory.fill (local.get $dst) (i32.const 0) (i32.const 128))
      (memory.copy (local.get $dst) (local.get $src) (local.get $rem))
      (i32.store8 (i32.add (local.get $dst) (local.get $rem)) (i32.const 0x80))
      (i64.store (i32.sub (i32.add (local.get $dst) (i32.shl (local.get $pads) (i32.const 6))) (i32.const 8))
        (i64.shl (i64.extend_i32_u (local.get $len)) (i64.const 3)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br_if $pad (i32.lt_u (local.get $s) (i32.const 4))))
    (local.set $dst (i32.add (local.get $out) (i32.const 64)))
    (call $${name}_chunks (local.get $dst) (i32.add (local.get $dst) (i32.const 128)) (i32.add (local.get $dst) (i32.const 256))
      (i32.add (local.get $dst) (i32.const 384)) (local.get $pads) (local.get $out))
    ;; The state holds word w of every digest in vector w: transposed, digest s is row s.
    (local.set $a (v128.load (local.get $out)))
    (local.set $b (v128.load offset=16 (local.get $out)))
    (local.set $c (v128.load offset=32 (local.get $out)))
    (local.set $d (v128.load offset=48 (local.get $out)))
    ${transpose(['$a', '$b', '$c', '$d'], ['$a', '$b', '$c', '$d']).join('\n    ')}
    (v128.store (local.get $out) (local.get $a))
    (v128.store offset=16 (local.get $out) (local.get $b))
    (v128.store offset=32 (local.get $out) (local.get $c))
    (v128.store offset=48 (local.get $out) (local.get $d)))`;
}

/**
 * The weak checksum: a = S = sum of the bytes x_j, b = len·S − T with T = sum of j·x_j. Sixteen
 * bytes a turn: their sum into P (per lane), the running total of P before each turn into Q (so
 * that the sum over turns m of m·S_m is (M − 1)·S − Q), and the bytes weighted by their place in
 * the turn into W; T = 16·((M − 1)·S − Q) + W. Only ring operations: wrapping is exact mod 2^16.
 */
const WEAK = `
  (func (export "weak") (param $p i32) (param $len i32) (result i32)
    (local $end i32) (local $turns i32) (local $s i32) (local $t i32) (local $j i32) (local $x i32)
    (local $v v128) (local $lo v128) (local $hi v128) (local $P v128) (local $Q v128) (local $W v128)
    (local.set $turns (i32.shr_u (local.get $len) (i32.const 4)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $turns) (i32.const 4))))
    (block $done (loop $turn
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $v (v128.load (local.get $p)))
      (local.set $lo (i16x8.extend_low_i8x16_u (local.get $v)))
      (local.set $hi (i16x8.extend_high_i8x16_u (local.get $v)))
      (local.set $Q (i32x4.add (local.get $Q) (local.get $P)))
      (local.set $P (i32x4.add (local.get $P) (i32x4.extadd_pairwise_i16x8_u (i16x8.add (local.get $lo) (local.get $hi)))))
      (local.set $W (i32x4.add (local.get $W) (i32x4.add
        (i32x4.dot_i16x8_s (local.get $lo) (v128.const i16x8 0 1 2 3 4 5 6 7))
        (i32x4.dot_i16x8_s (local.get $hi) (v128.const i16x8 8 9 10 11 12 13 14 15)))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $turn)))
    (local.set $s (i32.add (i32.add (i32x4.extract_lane 0 (local.get $P)) (i32x4.extract_lane 1 (local.get $P)))
                           (i32.add (i32x4.extract_lane 2 (local.get $P)) (i32x4.extract_lane 3 (local.get $P)))))
    (local.set $t (i32.add
      (i32.shl (i32.sub (i32.mul (i32.sub (local.get $turns) (i32.const 1)) (local.get $s))
        (i32.add (i32.add (i32x4.extract_lane 0 (local.get $Q)) (i32x4.extract_lane 1 (local.get $Q)))
                 (i32.add (i32x4.extract_lane 2 (local.get $Q)) (i32x4.extract_lane 3 (local.get $Q))))) (i32.const 4))
      (i32.add (i32.add (i32x4.extract_lane 0 (local.get $W)) (i32x4.extract_lane 1 (local.get $W)))
               (i32.add (i32x4.extract_lane 2 (local.get $W)) (i32x4.extract_lane 3 (local.get $W))))))
    ;; The last len mod 16 bytes, one at a time.
    (local.set $j (i32.shl (local.get $turns) (i32.const 4)))
    (block $tail (loop $byte
      (br_if $tail (i32.ge_u (local.get $j) (local.get $len)))
      (local.set $x (i32.load8_u (local.get $p)))
      (local.set $s (i32.add (local.get $s) (local.get $x)))
      (local.set $t (i32.add (local.get $t) (i32.mul (local.get $j) (local.get $x))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $byte)))
    (i32.or (i32.and (local.get $s) (i32.const 0xffff))
            (i32.shl (i32.sub (i32.mul (local.get $len) (local.get $s)) (local.get $t)) (i32.const 16))))`;

export default function wat() {
  return `(module
  (import "env" "memory" (memory 1))${chunks('md5', md5Steps())}${digest('md5')}${chunks('md4', md4Steps())}${digest('md4')}${WEAK}
)
`;
}

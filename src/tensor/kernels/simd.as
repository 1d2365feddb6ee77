// AssemblyScript source of the WebAssembly SIMD float32 kernels: the matrix product, a 2-D transpose
// and the elementwise ops of a layer's hot path (compiled by scripts/build-kernels.js; not TypeScript
// for tsc). The caller owns all memory: it copies the operands in, points a kernel at them, and reads
// the result back.
//
// C (M×N, row-major) += op(A) · op(B), op(A) = A (M×K) or Aᵀ with A stored K×M, op(B) = B (K×N) or
// Bᵀ with B stored N×K. Goto-style: B is packed per K-block into 8-column panels, A into 4-row
// panels of an M-block, and a 4×8 register tile (8 f32x4 accumulators) runs down each K-block.

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 96;

/** First free byte after the module's own data: the caller's memory starts here. */
export function heapBase(): usize {
  return __heap_base;
}

/** Bytes of scratch memory (packed panels) the kernel needs at `work` for these sizes. */
export function workBytes(M: i32, N: i32, K: i32): i32 {
  const kc = min(K, KC);
  const nPanels = (N + NR - 1) / NR;
  const mc = min(M, MC);
  const mPanels = (mc + MR - 1) / MR;
  return (kc * nPanels * NR + kc * mPanels * MR + MR * NR) * 4;
}

/** Packs rows k0..k0+kc of op(B) into ⌈N/8⌉ panels of kc×8 (zero-padded past N). */
function packB(B: usize, transB: bool, N: i32, K: i32, k0: i32, kc: i32, dst: usize): void {
  for (let j0 = 0; j0 < N; j0 += NR) {
    const nr = min(NR, N - j0);
    if (!transB && nr == NR) {
      for (let k = 0; k < kc; k++) {
        const src = B + (<usize>((k0 + k) * N + j0) << 2);
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += NR << 2;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let j = 0; j < NR; j++) {
          let v: f32 = 0;
          if (j < nr) {
            v = transB
              ? load<f32>(B + (<usize>((j0 + j) * K + k0 + k) << 2))
              : load<f32>(B + (<usize>((k0 + k) * N + j0 + j) << 2));
          }
          store<f32>(dst + (<usize>j << 2), v);
        }
        dst += NR << 2;
      }
    }
  }
}

/** Packs op(A)[i0..i0+mc, k0..k0+kc] into ⌈mc/4⌉ panels of kc×4 (zero-padded past M). */
function packA(A: usize, transA: bool, M: i32, K: i32, i0: i32, mc: i32, k0: i32, kc: i32, dst: usize): void {
  for (let r0 = 0; r0 < mc; r0 += MR) {
    const mr = min(MR, mc - r0);
    const row = i0 + r0;
    if (transA && mr == MR) {
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(A + (<usize>((k0 + k) * M + row) << 2)));
        dst += MR << 2;
      }
    } else if (!transA && mr == MR) {
      const a0 = A + (<usize>(row * K + k0) << 2);
      const a1 = a0 + (<usize>K << 2);
      const a2 = a1 + (<usize>K << 2);
      const a3 = a2 + (<usize>K << 2);
      // Four k at a time: a 4×4 block of rows, transposed with shuffles into four packed columns.
      const kc4 = kc & ~3;
      for (let k = 0; k < kc4; k += 4) {
        const o = <usize>k << 2;
        const x0 = v128.load(a0 + o);
        const x1 = v128.load(a1 + o);
        const x2 = v128.load(a2 + o);
        const x3 = v128.load(a3 + o);
        const t0 = v128.shuffle<i32>(x0, x1, 0, 4, 1, 5);
        const t1 = v128.shuffle<i32>(x2, x3, 0, 4, 1, 5);
        const t2 = v128.shuffle<i32>(x0, x1, 2, 6, 3, 7);
        const t3 = v128.shuffle<i32>(x2, x3, 2, 6, 3, 7);
        v128.store(dst, v128.shuffle<i64>(t0, t1, 0, 2));
        v128.store(dst, v128.shuffle<i64>(t0, t1, 1, 3), 16);
        v128.store(dst, v128.shuffle<i64>(t2, t3, 0, 2), 32);
        v128.store(dst, v128.shuffle<i64>(t2, t3, 1, 3), 48);
        dst += MR << 4;
      }
      for (let k = kc4; k < kc; k++) {
        const o = <usize>k << 2;
        store<f32>(dst, load<f32>(a0 + o));
        store<f32>(dst, load<f32>(a1 + o), 4);
        store<f32>(dst, load<f32>(a2 + o), 8);
        store<f32>(dst, load<f32>(a3 + o), 12);
        dst += MR << 2;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let i = 0; i < MR; i++) {
          let v: f32 = 0;
          if (i < mr) {
            v = transA
              ? load<f32>(A + (<usize>((k0 + k) * M + row + i) << 2))
              : load<f32>(A + (<usize>((row + i) * K + k0 + k) << 2));
          }
          store<f32>(dst + (<usize>i << 2), v);
        }
        dst += MR << 2;
      }
    }
  }
}

/** C[i0.., j0..] += Ap (kc×4) · Bp (kc×8), the valid mr×nr corner only. */
// @ts-ignore: decorator
@inline
function tile(Ap: usize, Bp: usize, kc: i32, C: usize, N: i32, mr: i32, nr: i32, scratch: usize, overwrite: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(Bp);
    const b1 = v128.load(Bp, 16);
    let a = v128.load32_splat(Ap);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(Ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(Ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(Ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    Ap += MR << 2;
    Bp += NR << 2;
  }
  const ld = <usize>N << 2;
  if (mr == MR && nr == NR && overwrite) {
    // The first K-block of a product that replaces C: no need to read C.
    let c = C;
    v128.store(c, c00);
    v128.store(c, c01, 16);
    c += ld;
    v128.store(c, c10);
    v128.store(c, c11, 16);
    c += ld;
    v128.store(c, c20);
    v128.store(c, c21, 16);
    c += ld;
    v128.store(c, c30);
    v128.store(c, c31, 16);
    return;
  }
  if (mr == MR && nr == NR) {
    let c = C;
    v128.store(c, f32x4.add(v128.load(c), c00));
    v128.store(c, f32x4.add(v128.load(c, 16), c01), 16);
    c += ld;
    v128.store(c, f32x4.add(v128.load(c), c10));
    v128.store(c, f32x4.add(v128.load(c, 16), c11), 16);
    c += ld;
    v128.store(c, f32x4.add(v128.load(c), c20));
    v128.store(c, f32x4.add(v128.load(c, 16), c21), 16);
    c += ld;
    v128.store(c, f32x4.add(v128.load(c), c30));
    v128.store(c, f32x4.add(v128.load(c, 16), c31), 16);
    return;
  }
  v128.store(scratch, c00);
  v128.store(scratch, c01, 16);
  v128.store(scratch, c10, 32);
  v128.store(scratch, c11, 48);
  v128.store(scratch, c20, 64);
  v128.store(scratch, c21, 80);
  v128.store(scratch, c30, 96);
  v128.store(scratch, c31, 112);
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) {
      const p = C + <usize>i * ld + (<usize>j << 2);
      const v = load<f32>(scratch + (<usize>(i * NR + j) << 2));
      store<f32>(p, overwrite ? v : load<f32>(p) + v);
    }
  }
}

/**
 * C = op(A)·op(B), or C += op(A)·op(B) when `accumulate`; `work` holds workBytes(M, N, K) bytes of
 * scratch. All pointers are byte offsets.
 */
export function gemm(A: usize, B: usize, C: usize, M: i32, N: i32, K: i32, transA: bool, transB: bool, accumulate: bool, work: usize): void {
  const nPanels = (N + NR - 1) / NR;
  const Bp = work;
  const Ap = Bp + (<usize>(min(K, KC) * nPanels * NR) << 2);
  const mcMax = min(M, MC);
  const scratch = Ap + (<usize>(min(K, KC) * ((mcMax + MR - 1) / MR) * MR) << 2);
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    packB(B, transB, N, K, k0, kc, Bp);
    for (let i0 = 0; i0 < M; i0 += MC) {
      const mc = min(MC, M - i0);
      packA(A, transA, M, K, i0, mc, k0, kc, Ap);
      for (let j0 = 0; j0 < N; j0 += NR) {
        const nr = min(NR, N - j0);
        const bPanel = Bp + (<usize>(j0 * kc) << 2);
        for (let r0 = 0; r0 < mc; r0 += MR) {
          const mr = min(MR, mc - r0);
          tile(Ap + (<usize>(r0 * kc) << 2), bPanel, kc, C + (<usize>((i0 + r0) * N + j0) << 2), N, mr, nr, scratch, !accumulate && k0 == 0);
        }
      }
    }
  }
}

/** dst (c×r) = transpose of src (r×c), float32, in 4×4 SIMD blocks with scalar edges. */
export function transpose(src: usize, dst: usize, r: i32, c: i32): void {
  const r4 = r & ~3;
  const c4 = c & ~3;
  const ls = <usize>c << 2;
  const ld = <usize>r << 2;
  for (let i = 0; i < r4; i += 4) {
    for (let j = 0; j < c4; j += 4) {
      const s = src + (<usize>(i * c + j) << 2);
      const x0 = v128.load(s);
      const x1 = v128.load(s + ls);
      const x2 = v128.load(s + 2 * ls);
      const x3 = v128.load(s + 3 * ls);
      const t0 = v128.shuffle<i32>(x0, x1, 0, 4, 1, 5);
      const t1 = v128.shuffle<i32>(x2, x3, 0, 4, 1, 5);
      const t2 = v128.shuffle<i32>(x0, x1, 2, 6, 3, 7);
      const t3 = v128.shuffle<i32>(x2, x3, 2, 6, 3, 7);
      const d = dst + (<usize>(j * r + i) << 2);
      v128.store(d, v128.shuffle<i64>(t0, t1, 0, 2));
      v128.store(d + ld, v128.shuffle<i64>(t0, t1, 1, 3));
      v128.store(d + 2 * ld, v128.shuffle<i64>(t2, t3, 0, 2));
      v128.store(d + 3 * ld, v128.shuffle<i64>(t2, t3, 1, 3));
    }
    for (let j = c4; j < c; j++) {
      for (let k = i; k < i + 4; k++) store<f32>(dst + (<usize>(j * r + k) << 2), load<f32>(src + (<usize>(k * c + j) << 2)));
    }
  }
  for (let i = r4; i < r; i++) {
    for (let j = 0; j < c; j++) store<f32>(dst + (<usize>(j * r + i) << 2), load<f32>(src + (<usize>(i * c + j) << 2)));
  }
}

/** dst = max(src, 0) (NaN stays NaN, as PyTorch's relu). */
export function relu(src: usize, dst: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const end = src + (<usize>(n & ~3) << 2);
  while (src < end) {
    v128.store(dst, f32x4.max(v128.load(src), zero));
    src += 16;
    dst += 16;
  }
  for (let i = 0; i < (n & 3); i++) store<f32>(dst + (<usize>i << 2), max<f32>(load<f32>(src + (<usize>i << 2)), 0));
}

/** dst = g where s > 0, else 0 (relu's backward from its saved output s). */
export function reluBackward(s: usize, g: usize, dst: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, v128.and(v128.load(g + o), f32x4.gt(v128.load(s + o), zero)));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(s + o) > 0 ? load<f32>(g + o) : 0);
  }
}

const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;

// @ts-ignore: decorator
@inline
function apply4(op: i32, x: v128, y: v128): v128 {
  if (op == ADD) return f32x4.add(x, y);
  if (op == SUB) return f32x4.sub(x, y);
  if (op == MUL) return f32x4.mul(x, y);
  return f32x4.div(x, y);
}

// @ts-ignore: decorator
@inline
function apply1(op: i32, x: f32, y: f32): f32 {
  if (op == ADD) return x + y;
  if (op == SUB) return x - y;
  if (op == MUL) return x * y;
  return x / y;
}

/** One row: dst[j] = a[j] op b[j] for j < m. */
// @ts-ignore: decorator
@inline
function row(op: i32, a: usize, b: usize, dst: usize, m: i32): void {
  const m4 = m & ~3;
  for (let j = 0; j < m4; j += 4) {
    const o = <usize>j << 2;
    v128.store(dst + o, apply4(op, v128.load(a + o), v128.load(b + o)));
  }
  for (let j = m4; j < m; j++) {
    const o = <usize>j << 2;
    store<f32>(dst + o, apply1(op, load<f32>(a + o), load<f32>(b + o)));
  }
}

/**
 * dst[i] = a[i] op b[i mod m] for i < n (op: 0 add, 1 sub, 2 mul, 3 div): m = n is the same-shape case,
 * m < n a row of b (a bias) repeated along a's leading dims.
 */
export function binaryRows(op: i32, a: usize, b: usize, dst: usize, n: i32, m: i32): void {
  for (let r = 0; r < n; r += m) {
    const o = <usize>r << 2;
    if (op == ADD) row(ADD, a + o, b, dst + o, m);
    else if (op == SUB) row(SUB, a + o, b, dst + o, m);
    else if (op == MUL) row(MUL, a + o, b, dst + o, m);
    else row(DIV, a + o, b, dst + o, m);
  }
}

/**
 * dst[j] = Σ_r src[r·m + j] for j < m, summed in float64 (dst holds m doubles): the gradient of a
 * bias broadcast over `rows` rows. Same order of additions as the JS loop, so the same result.
 */
export function sumRows(src: usize, dst: usize, rows: i32, m: i32): void {
  memory.fill(dst, 0, <usize>m << 3);
  const m4 = m & ~3;
  for (let r = 0; r < rows; r++) {
    const row = src + (<usize>(r * m) << 2);
    for (let j = 0; j < m4; j += 4) {
      const v = v128.load(row + (<usize>j << 2));
      const d = dst + (<usize>j << 3);
      v128.store(d, f64x2.add(v128.load(d), f64x2.promote_low_f32x4(v)));
      v128.store(d, f64x2.add(v128.load(d, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
    }
    for (let j = m4; j < m; j++) {
      const d = dst + (<usize>j << 3);
      store<f64>(d, load<f64>(d) + <f64>load<f32>(row + (<usize>j << 2)));
    }
  }
}

/**
 * theta[i] −= lr·grad[i] for i < n, each in float64 and rounded once to float32 (what the JS loop
 * `theta[i] = theta[i] - lr * grad[i]` computes on a Float32Array, so the same bits): plain SGD.
 */
export function sgd(theta: usize, grad: usize, n: i32, lr: f64): void {
  const vlr = f64x2.splat(lr);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    const t = v128.load(theta + o);
    const g = v128.load(grad + o);
    const lo = f64x2.sub(f64x2.promote_low_f32x4(t), f64x2.mul(vlr, f64x2.promote_low_f32x4(g)));
    const hi = f64x2.sub(
      f64x2.promote_low_f32x4(i32x4.shuffle(t, t, 2, 3, 0, 1)),
      f64x2.mul(vlr, f64x2.promote_low_f32x4(i32x4.shuffle(g, g, 2, 3, 0, 1))),
    );
    v128.store(theta + o, i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(theta + o, <f32>(<f64>load<f32>(theta + o) - lr * <f64>load<f32>(grad + o)));
  }
}

/**
 * SGD with momentum, weight decay or maximize, two values per step in float64 (f64x2), the same
 * operations in the same order as singleTensorSgd in src/optim/sgd.ts, so the same bits:
 *   d ← ±grad (+ wd·θ);  b ← d (first step) or momentum·b + keep·d, stored as float32;
 *   d ← d + momentum·b (nesterov) or b;  θ ← θ − lr·d, stored as float32.
 * `buf` is only read or written when `hasBuf` (the JS loop's `if (b)`: a momentum buffer exists).
 */
export function sgdGeneral(
  theta: usize, grad: usize, buf: usize, n: i32, lr: f64, momentum: f64, keep: f64, wd: f64,
  first: bool, nesterov: bool, maximize: bool, hasBuf: bool,
): void {
  const vlr = f64x2.splat(lr);
  const vm = f64x2.splat(momentum);
  const vk = f64x2.splat(keep);
  const vwd = f64x2.splat(wd);
  const n2 = n & ~1;
  for (let i = 0; i < n2; i += 2) {
    const o = <usize>i << 2;
    const t = f64x2.promote_low_f32x4(v128.load64_zero(theta + o));
    let d = f64x2.promote_low_f32x4(v128.load64_zero(grad + o));
    if (maximize) d = f64x2.neg(d);
    if (wd != 0) d = f64x2.add(d, f64x2.mul(vwd, t));
    if (hasBuf) {
      const bv = first
        ? f32x4.demote_f64x2_zero(d)
        : f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(vm, f64x2.promote_low_f32x4(v128.load64_zero(buf + o))), f64x2.mul(vk, d)));
      v128.store64_lane(buf + o, bv, 0);
      const bd = f64x2.promote_low_f32x4(bv);
      d = nesterov ? f64x2.add(d, f64x2.mul(vm, bd)) : bd;
    }
    v128.store64_lane(theta + o, f32x4.demote_f64x2_zero(f64x2.sub(t, f64x2.mul(vlr, d))), 0);
  }
  if (n2 < n) {
    const o = <usize>n2 << 2;
    const t = <f64>load<f32>(theta + o);
    let d = <f64>load<f32>(grad + o);
    if (maximize) d = -d;
    if (wd != 0) d += wd * t;
    if (hasBuf) {
      const bv = first ? <f32>d : <f32>(momentum * <f64>load<f32>(buf + o) + keep * d);
      store<f32>(buf + o, bv);
      d = nesterov ? d + momentum * <f64>bv : <f64>bv;
    }
    store<f32>(theta + o, <f32>(t - lr * d));
  }
}

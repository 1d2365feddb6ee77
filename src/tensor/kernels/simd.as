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

/**
 * C[i0.., j0..] += Ap (kc×4) · Bp (kc×8), the valid mr×nr corner only; with `bias` (4 floats, one a
 * row) C = bias + the product instead, and with `relu` max(·, 0) of what is stored.
 */
// @ts-ignore: decorator
@inline
function tile(Ap: usize, Bp: usize, kc: i32, C: usize, N: i32, mr: i32, nr: i32, scratch: usize, overwrite: bool, bias: usize = 0, relu: bool = false): void {
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
  if (bias != 0 && mr == MR && nr == NR) {
    // bias + product, as adding the product to a C filled with the bias would give.
    let b = v128.load32_splat(bias);
    c00 = f32x4.add(b, c00);
    c01 = f32x4.add(b, c01);
    b = v128.load32_splat(bias, 4);
    c10 = f32x4.add(b, c10);
    c11 = f32x4.add(b, c11);
    b = v128.load32_splat(bias, 8);
    c20 = f32x4.add(b, c20);
    c21 = f32x4.add(b, c21);
    b = v128.load32_splat(bias, 12);
    c30 = f32x4.add(b, c30);
    c31 = f32x4.add(b, c31);
  } else if (mr == MR && nr == NR && !overwrite) {
    let c = C;
    c00 = f32x4.add(v128.load(c), c00);
    c01 = f32x4.add(v128.load(c, 16), c01);
    c += ld;
    c10 = f32x4.add(v128.load(c), c10);
    c11 = f32x4.add(v128.load(c, 16), c11);
    c += ld;
    c20 = f32x4.add(v128.load(c), c20);
    c21 = f32x4.add(v128.load(c, 16), c21);
    c += ld;
    c30 = f32x4.add(v128.load(c), c30);
    c31 = f32x4.add(v128.load(c, 16), c31);
  }
  if (mr == MR && nr == NR) {
    if (relu) {
      const z = f32x4.splat(0);
      c00 = f32x4.max(c00, z);
      c01 = f32x4.max(c01, z);
      c10 = f32x4.max(c10, z);
      c11 = f32x4.max(c11, z);
      c20 = f32x4.max(c20, z);
      c21 = f32x4.max(c21, z);
      c30 = f32x4.max(c30, z);
      c31 = f32x4.max(c31, z);
    }
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
      let r = bias != 0 ? load<f32>(bias + (<usize>i << 2)) + v : overwrite ? v : load<f32>(p) + v;
      if (relu) r = max<f32>(r, 0);
      store<f32>(p, r);
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

// ─── Convolution and pooling (conv2d and maxPool2d, forward and backward) ───────────────────────────
// A convolution is a product of the weight (O × K, K = C·kh·kw) with the image's patches (K × L, L =
// Ho·Wo output positions). The patches are never stored as a matrix: they are gathered straight into
// the 8-column panels the 4×8 tile reads (from a zero-padded copy of the input, so without bounds
// checks), runs of four positions at a time when stride 1 makes them contiguous in the input.

/**
 * The shapes of one conv2d call, written by the caller at `geo` (i32 fields, in this order), and of
 * the max pooling that may follow it (window, stride, padding, pooled size).
 */
@unmanaged
class ConvGeo {
  N: i32; C: i32; H: i32; W: i32; O: i32; kh: i32; kw: i32; sh: i32; sw: i32; ph: i32; pw: i32; Ho: i32; Wo: i32;
  pkh: i32; pkw: i32; psh: i32; psw: i32; pph: i32; ppw: i32; Hq: i32; Wq: i32;
}

/** Bytes before the scratch areas in `work`: the ConvWork record. */
const WORK_HEADER: usize = 64;

// @ts-ignore: decorator
@inline
function roundUp(n: i32, m: i32): i32 {
  return ((n + m - 1) / m) * m;
}

/** Byte offsets of the scratch areas a conv call uses inside `work` (the same for every pass). */
@unmanaged
class ConvWork {
  xp: usize; dxp: usize; koff: usize; loff: usize; Ap: usize; Bp: usize; cols: usize; img: usize; scratch: usize;
  xcl: usize; dxcl: usize; wcl: usize; voff: usize; list: usize;
}

/** Lays the scratch areas out from `work` into the ConvWork at `layout` (when not 0); returns the bytes they take. */
function convLayout(geo: ConvGeo, work: usize, layout: usize): i32 {
  const K = geo.C * geo.kh * geo.kw;
  const L = geo.Ho * geo.Wo;
  const padded = geo.ph != 0 || geo.pw != 0;
  const imgs = geo.N * geo.C * (geo.H + 2 * geo.ph) * (geo.W + 2 * geo.pw);
  // Largest packed panels over the three passes: forward (W and a K-block of patches), input
  // gradient (Wᵀ and an O-block of the gradient), weight gradient (a block of rows of both).
  const aFloats = max(roundUp(geo.O, MR) * K, roundUp(K, MR) * geo.O);
  const bFloats = max(roundUp(L, NR) * min(K, KC), max(roundUp(L, NR) * min(geo.O, KC), roundUp(K, NR) * max(KC, geo.Wo)));
  const aFloatsW = roundUp(geo.O, MR) * max(KC, geo.Wo);
  const xp = work;
  const dxp = xp + (padded ? <usize>imgs << 2 : 0);
  const koff = dxp + (padded ? <usize>imgs << 2 : 0);
  const loff = koff + (<usize>roundUp(K, 4) << 2);
  const Ap = loff + (<usize>roundUp(L, 4) << 2);
  const Bp = Ap + (<usize>max(aFloats, aFloatsW) << 2);
  const cols = Bp + (<usize>bFloats << 2);
  const img = cols + (<usize>(roundUp(K, MR) * L) << 2);
  const scratch = img + (<usize>(geo.O * L) << 2);
  // For the pooled block's backward only (none without pooling): channels-last input and input
  // gradient, weight rows (O × kh·roundUp(kw·C, 4)), patch-vector offsets, each channel's list of maxima.
  const pooled = geo.Hq > 0;
  const K4 = geo.kh * roundUp(geo.kw * geo.C, 4);
  const xcl = scratch + MR * NR * 4;
  // (+16 bytes: a patch row's last vector may read up to 3 floats past the end of xcl.)
  const dxcl = xcl + (pooled ? (<usize>imgs << 2) + 16 : 0);
  const wcl = dxcl + (pooled ? <usize>imgs << 2 : 0);
  const voff = wcl + (pooled ? <usize>(geo.O * K4) << 2 : 0);
  const list = voff + (pooled ? <usize>K4 << 2 : 0);
  const end = list + (pooled ? (<usize>(geo.O * geo.N * geo.Hq * geo.Wq) << 3) + (<usize>geo.O << 2) : 0);
  if (layout != 0) {
    const w = changetype<ConvWork>(layout);
    w.xp = xp;
    w.dxp = dxp;
    w.koff = koff;
    w.loff = loff;
    w.Ap = Ap;
    w.Bp = Bp;
    w.cols = cols;
    w.img = img;
    w.scratch = scratch;
    w.xcl = xcl;
    w.dxcl = dxcl;
    w.wcl = wcl;
    w.voff = voff;
    w.list = list;
  }
  return <i32>(end - work);
}

/** Bytes of scratch memory a conv call with the geometry at `geo` needs at `work`. */
export function convWorkBytes(geo: usize): i32 {
  return convLayout(changetype<ConvGeo>(geo), WORK_HEADER, 0) + <i32>WORK_HEADER;
}

/** Reads the layout of `work` (its first 64 bytes hold the ConvWork record). */
function convWork(geo: ConvGeo, work: usize): ConvWork {
  convLayout(geo, work + WORK_HEADER, work);
  return changetype<ConvWork>(work);
}

/**
 * Offsets (in floats, within one padded image) of each patch row k = (c, i, j) and of each output
 * position l = (y, x): the patch value is xp[koff[k] + loff[l]].
 */
function convOffsets(geo: ConvGeo, w: ConvWork): void {
  const Hp = geo.H + 2 * geo.ph;
  const Wp = geo.W + 2 * geo.pw;
  let k = 0;
  for (let c = 0; c < geo.C; c++) {
    for (let i = 0; i < geo.kh; i++) {
      for (let j = 0; j < geo.kw; j++, k++) store<i32>(w.koff + (<usize>k << 2), (c * Hp + i) * Wp + j);
    }
  }
  let l = 0;
  for (let y = 0; y < geo.Ho; y++) {
    for (let x = 0; x < geo.Wo; x++, l++) store<i32>(w.loff + (<usize>l << 2), y * geo.sh * Wp + x * geo.sw);
  }
}

/** dst[i] = src[i] for i < n floats: rows of a few floats, where memory.copy's call costs more than the copy. */
// @ts-ignore: decorator
@inline
function copyFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** The input with `ph`/`pw` zeros around every plane (xp), or the input itself when there is no padding. */
function convPad(geo: ConvGeo, x: usize, w: ConvWork): usize {
  if (geo.ph == 0 && geo.pw == 0) return x;
  const Hp = geo.H + 2 * geo.ph;
  const Wp = geo.W + 2 * geo.pw;
  const planes = geo.N * geo.C;
  memory.fill(w.xp, 0, <usize>(planes * Hp * Wp) << 2);
  const rowBytes = <usize>geo.W << 2;
  for (let p = 0; p < planes; p++) {
    let src = x + (<usize>(p * geo.H * geo.W) << 2);
    let dst = w.xp + (<usize>((p * Hp + geo.ph) * Wp + geo.pw) << 2);
    for (let y = 0; y < geo.H; y++) {
      copyFloats(dst, src, geo.W);
      src += rowBytes;
      dst += <usize>Wp << 2;
    }
  }
  return w.xp;
}

/**
 * True when output positions l .. l+3 read four adjacent input values for every patch row (stride 1
 * along x, all four in one output row): the patch gather is then one 16-byte load.
 */
// @ts-ignore: decorator
@inline
function quadRun(geo: ConvGeo, l: i32, L: i32): bool {
  return geo.sw == 1 && l + 3 < L && (l % geo.Wo) + 3 < geo.Wo;
}

/**
 * out[n] (O × L) = W (O × K) · patches[n] (K × L) + bias, then max(·, 0) when `relu`, for every image.
 * `bias` = 0 for none. x, w, out are float32; `geo` a ConvGeo; `work` holds convWorkBytes(geo) bytes.
 * With `pool`, each image's result is max-pooled (the ConvGeo's pooling fields) into out (N × O × Hq ×
 * Wq) and idx (the flat index of each max in the unpooled N × O × Ho × Wo result), as maxPool does.
 */
export function convForward(geo_: usize, x: usize, wt: usize, bias: usize, out: usize, relu: bool, pool: bool, idx: usize, work: usize): void {
  const geo = changetype<ConvGeo>(geo_);
  const ws = convWork(geo, work);
  const O = geo.O;
  const K = geo.C * geo.kh * geo.kw;
  const L = geo.Ho * geo.Wo;
  const Lq = geo.Hq * geo.Wq;
  const imgIn = geo.C * (geo.H + 2 * geo.ph) * (geo.W + 2 * geo.pw);
  convOffsets(geo, ws);
  const xp = convPad(geo, x, ws);
  // W packed once: per K-block, ⌈O/4⌉ panels of kc×4.
  const Opad = roundUp(O, MR);
  for (let k0 = 0; k0 < K; k0 += KC) packA(wt, false, O, K, 0, O, k0, min(KC, K - k0), ws.Ap + (<usize>(Opad * k0) << 2));
  // One K-block (the usual case): bias and relu are applied as each tile is stored.
  const fused = K <= KC;
  const zero = f32x4.splat(0);
  for (let n = 0; n < geo.N; n++) {
    const xn = xp + (<usize>(n * imgIn) << 2);
    const on = pool ? ws.img : out + (<usize>(n * O * L) << 2);
    if (bias != 0 && !fused) {
      for (let o = 0; o < O; o++) {
        const b = v128.load32_splat(bias + (<usize>o << 2));
        const row = on + (<usize>(o * L) << 2);
        let l = 0;
        for (; l + 4 <= L; l += 4) v128.store(row + (<usize>l << 2), b);
        for (; l < L; l++) store<f32>(row + (<usize>l << 2), load<f32>(bias + (<usize>o << 2)));
      }
    }
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = min(KC, K - k0);
      packPatches(geo, xn, ws, k0, kc, L);
      const Ab = ws.Ap + (<usize>(Opad * k0) << 2);
      for (let l0 = 0; l0 < L; l0 += NR) {
        const nr = min(NR, L - l0);
        const bPanel = ws.Bp + (<usize>(l0 * kc) << 2);
        for (let r0 = 0; r0 < O; r0 += MR) {
          const c = on + (<usize>(r0 * L + l0) << 2);
          if (fused) tile(Ab + (<usize>(r0 * kc) << 2), bPanel, kc, c, L, min(MR, O - r0), nr, ws.scratch, true, bias == 0 ? 0 : bias + (<usize>r0 << 2), relu);
          else tile(Ab + (<usize>(r0 * kc) << 2), bPanel, kc, c, L, min(MR, O - r0), nr, ws.scratch, bias == 0 && k0 == 0);
        }
      }
    }
    if (relu && !fused) {
      const end = on + (<usize>(O * L) << 2);
      let p = on;
      for (; p + 16 <= end; p += 16) v128.store(p, f32x4.max(v128.load(p), zero));
      for (; p < end; p += 4) store<f32>(p, max<f32>(load<f32>(p), 0));
    }
    if (pool) {
      maxPool(
        on, out + (<usize>(n * O * Lq) << 2), idx + (<usize>(n * O * Lq) << 2), n * O * L,
        O, geo.Ho, geo.Wo, geo.pkh, geo.pkw, geo.psh, geo.psw, geo.pph, geo.ppw, geo.Hq, geo.Wq,
      );
    }
  }
}

/** Patch rows k0..k0+kc of one padded image into ⌈L/8⌉ panels of kc×8 at ws.Bp (zero past L). */
function packPatches(geo: ConvGeo, xn: usize, ws: ConvWork, k0: i32, kc: i32, L: i32): void {
  let dst = ws.Bp;
  for (let l0 = 0; l0 < L; l0 += NR) {
    const run0 = quadRun(geo, l0, L);
    const run1 = quadRun(geo, l0 + 4, L);
    const lo0 = load<i32>(ws.loff + (<usize>l0 << 2));
    const lo1 = l0 + 4 < L ? load<i32>(ws.loff + (<usize>(l0 + 4) << 2)) : 0;
    for (let k = k0; k < k0 + kc; k++) {
      const src = xn + (<usize>load<i32>(ws.koff + (<usize>k << 2)) << 2);
      if (run0) v128.store(dst, v128.load(src + (<usize>lo0 << 2)));
      else gather4(src, ws.loff, l0, L, dst);
      if (run1) v128.store(dst, v128.load(src + (<usize>lo1 << 2)), 16);
      else gather4(src, ws.loff, l0 + 4, L, dst + 16);
      dst += NR << 2;
    }
  }
}

/** dst[q] = src[loff[l + q]] for q < 4 (0 where l + q ≥ L). */
// @ts-ignore: decorator
@inline
function gather4(src: usize, loff: usize, l: i32, L: i32, dst: usize): void {
  for (let q = 0; q < 4; q++) {
    const v: f32 = l + q < L ? load<f32>(src + (<usize>load<i32>(loff + (<usize>(l + q) << 2)) << 2)) : 0;
    store<f32>(dst + (<usize>q << 2), v);
  }
}

/**
 * The gradients of convForward for an output gradient g (N × O × L): dx (N×C×H×W, when dx ≠ 0) =
 * the patches' adjoint of Wᵀ·g[n]; dw (O × K, when dw ≠ 0) = Σₙ g[n]·patches[n]ᵀ; db (O doubles, when
 * db ≠ 0) = Σ g over images and positions, summed in float64.
 */
export function convBackward(geo_: usize, x: usize, wt: usize, g: usize, dx: usize, dw: usize, db: usize, work: usize): void {
  const geo = changetype<ConvGeo>(geo_);
  const ws = convWork(geo, work);
  convOffsets(geo, ws);
  if (db != 0) convBiasGrad(geo, g, db);
  if (dw != 0) convWeightGrad(geo, convPad(geo, x, ws), g, dw, ws);
  if (dx != 0) convInputGrad(geo, wt, g, dx, ws);
}

/**
 * The gradients of a conv2d → relu → maxPool block from the gradient g of its pooled output (N × O ×
 * Lq, with y the pooled output and idx the flat conv-output index of each max, as convForward wrote
 * them). Only a window's max gets a gradient, and only where relu let it through, so at most one in
 * kh·kw of the convolution's gradients is non-zero: per output channel, the non-zero ones are listed
 * (input address, value), and dw's row is the sum of their input patches times the values, dx gets
 * the weight's row times each value added at its patch — in channels-last copies, where a patch row
 * (kw·C floats) is contiguous, and with the sums held in registers (sparseBlock).
 * dx, dw, db as convBackward's (db summed in float64); the float32 sums run in another order than there.
 */
export function convBackwardPooled(geo_: usize, x: usize, wt: usize, g: usize, idx: usize, y: usize, dx: usize, dw: usize, db: usize, work: usize): void {
  if (dx == 0 && dw == 0 && db == 0) return;
  const geo = changetype<ConvGeo>(geo_);
  const ws = convWork(geo, work);
  convOffsets(geo, ws);
  const O = geo.O;
  const C = geo.C;
  const kh = geo.kh;
  const kw = geo.kw;
  const planeFloats = (geo.H + 2 * geo.ph) * (geo.W + 2 * geo.pw) * C;
  const rowStride = (geo.W + 2 * geo.pw) * C;
  const rowFloats = kw * C;
  // dw's rows are summed in whole vectors (the lanes past kw·C gather neighbours' products and are
  // dropped); dx gets whole vectors, then the last floats of each patch row one by one.
  const rowPad = roundUp(rowFloats, 4);
  const K4 = kh * rowPad;
  const whole = rowFloats & ~3;
  const Kw = kh * whole;
  // One list per output channel, at most N·Lq entries each.
  const cap = geo.N * geo.Hq * geo.Wq;
  const counts = ws.list + (<usize>(O * cap) << 3);
  for (let o = 0; o < O; o++) {
    const list = ws.list + (<usize>(o * cap) << 3);
    const m = nonZeros(geo, o, g, idx, y, ws.loff, planeFloats, list);
    store<i32>(counts + (<usize>o << 2), m);
    if (db == 0) continue;
    let s: f64 = 0;
    for (let e = 0; e < m; e++) s += <f64>load<f32>(list + (<usize>e << 3), 4);
    store<f64>(db + (<usize>o << 3), s);
  }
  if (dw != 0) {
    const xp = convPad(geo, x, ws);
    const xc = C == 1 ? xp : toChannelsLast(geo, xp, ws.xcl);
    const V = patchVectors(ws.voff, kh, rowPad, rowStride);
    for (let o = 0; o < O; o++) {
      const m = load<i32>(counts + (<usize>o << 2));
      sparseBlock(true, xc, ws.list + (<usize>(o * cap) << 3), m, ws.voff, ws.wcl + (<usize>(o * K4) << 2), V);
    }
    // dw[o, c, i, j] = wcl[o, i, j·C + c]
    for (let o = 0; o < O; o++) {
      let d = dw + (<usize>(o * C * kh * kw) << 2);
      for (let c = 0; c < C; c++) {
        for (let i = 0; i < kh; i++) {
          const src = ws.wcl + (<usize>(o * K4 + i * rowPad + c) << 2);
          for (let j = 0; j < kw; j++, d += 4) store<f32>(d, load<f32>(src + (<usize>(j * C) << 2)));
        }
      }
    }
  }
  if (dx != 0) {
    // The weight's rows channels-last, the whole vectors of each patch row side by side (kh × whole).
    for (let o = 0; o < O; o++) {
      let w = wt + (<usize>(o * C * kh * kw) << 2);
      for (let c = 0; c < C; c++) {
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++, w += 4) {
            const at = j * C + c;
            if (at < whole) store<f32>(ws.wcl + (<usize>(o * Kw + i * whole + at) << 2), load<f32>(w));
          }
        }
      }
    }
    const V = patchVectors(ws.voff, kh, whole, rowStride);
    memory.fill(ws.dxcl, 0, <usize>(geo.N * planeFloats) << 2);
    for (let o = 0; o < O; o++) {
      const list = ws.list + (<usize>(o * cap) << 3);
      const m = load<i32>(counts + (<usize>o << 2));
      if (V > 0) sparseBlock(false, ws.dxcl, list, m, ws.voff, ws.wcl + (<usize>(o * Kw) << 2), V);
      if (whole == rowFloats) continue;
      for (let e = 0; e < m; e++) {
        const p = list + (<usize>e << 3);
        const base = ws.dxcl + <usize>load<i32>(p);
        const gv = load<f32>(p, 4);
        for (let i = 0; i < kh; i++) {
          for (let at = whole; at < rowFloats; at++) {
            const d = base + (<usize>(i * rowStride + at) << 2);
            const w = load<f32>(wt + (<usize>(((o * C + at % C) * kh + i) * kw + at / C) << 2));
            store<f32>(d, load<f32>(d) + gv * w);
          }
        }
      }
    }
    fromChannelsLast(geo, ws.dxcl, dx);
  }
}

/** offs[v] = byte offset of vector v = (i, t) of a patch from the patch's start, for kh rows of `perRow` floats; returns the count. */
function patchVectors(offs: usize, kh: i32, perRow: i32, rowStride: i32): i32 {
  const n = perRow >> 2;
  for (let i = 0; i < kh; i++) {
    for (let t = 0; t < n; t++) store<i32>(offs + (<usize>(i * n + t) << 2), (i * rowStride + 4 * t) << 2);
  }
  return kh * n;
}

/**
 * Lists, for output channel o over all images, the pooled outputs that pass a gradient (y > 0) as
 * (byte offset of their patch in channels-last padded planes of `planeFloats`, gradient) at `list`;
 * returns how many.
 */
function nonZeros(geo: ConvGeo, o: i32, g: usize, idx: usize, y: usize, loff: usize, planeFloats: i32, list: usize): i32 {
  const O = geo.O;
  const L = geo.Ho * geo.Wo;
  const Lq = geo.Hq * geo.Wq;
  let m = 0;
  for (let n = 0; n < geo.N; n++) {
    const at = (n * O + o) * Lq;
    const first = (n * O + o) * L;
    const plane = n * planeFloats;
    for (let q = 0; q < Lq; q++) {
      const p = <usize>(at + q) << 2;
      if (!(load<f32>(y + p) > 0)) continue;
      const l = load<i32>(idx + p) - first;
      const e = list + (<usize>m << 3);
      store<i32>(e, (plane + load<i32>(loff + (<usize>l << 2)) * geo.C) << 2);
      store<f32>(e, load<f32>(g + p), 4);
      m++;
    }
  }
  return m;
}

/**
 * The vectors v0 … v0+V−1 of a sparse block product, in register-held groups of 12, 4, 3, 1:
 * `gather` fills acc (dw rows), otherwise the weight rows at acc are scattered; the list's offsets are from `planes`.
 */
function sparseBlock(gather: bool, planes: usize, list: usize, m: i32, offs: usize, acc: usize, V: i32): void {
  let v = 0;
  while (v < V) {
    const left = V - v;
    const o = offs + (<usize>v << 2);
    const a = acc + (<usize>v << 4);
    if (left >= 12) {
      if (gather) gatherSums12(planes, list, m, o, a);
      else scatterSums12(planes, list, m, o, a);
      v += 12;
    } else if (left >= 4) {
      if (gather) gatherSums4(planes, list, m, o, a);
      else scatterSums4(planes, list, m, o, a);
      v += 4;
    } else if (left >= 3) {
      if (gather) gatherSums3(planes, list, m, o, a);
      else scatterSums3(planes, list, m, o, a);
      v += 3;
    } else {
      if (gather) gatherSums1(planes, list, m, o, a);
      else scatterSums1(planes, list, m, o, a);
      v += 1;
    }
  }
}

/** acc[v] = Σₑ gₑ · x[addrₑ + offs[v]] for 12 vectors v (list: m pairs of address, g). */
// @ts-ignore: decorator
@inline
function gatherSums12(planes: usize, list: usize, m: i32, offs: usize, acc: usize): void {
  const o0 = <usize>load<i32>(offs, 0);
  const o1 = <usize>load<i32>(offs, 4);
  const o2 = <usize>load<i32>(offs, 8);
  const o3 = <usize>load<i32>(offs, 12);
  const o4 = <usize>load<i32>(offs, 16);
  const o5 = <usize>load<i32>(offs, 20);
  const o6 = <usize>load<i32>(offs, 24);
  const o7 = <usize>load<i32>(offs, 28);
  const o8 = <usize>load<i32>(offs, 32);
  const o9 = <usize>load<i32>(offs, 36);
  const o10 = <usize>load<i32>(offs, 40);
  const o11 = <usize>load<i32>(offs, 44);
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  let a4 = f32x4.splat(0);
  let a5 = f32x4.splat(0);
  let a6 = f32x4.splat(0);
  let a7 = f32x4.splat(0);
  let a8 = f32x4.splat(0);
  let a9 = f32x4.splat(0);
  let a10 = f32x4.splat(0);
  let a11 = f32x4.splat(0);
  for (let e = 0; e < m; e++) {
    const p = list + (<usize>e << 3);
    const base = planes + <usize>load<i32>(p);
    const g = v128.load32_splat(p, 4);
    a0 = f32x4.add(a0, f32x4.mul(g, v128.load(base + o0)));
    a1 = f32x4.add(a1, f32x4.mul(g, v128.load(base + o1)));
    a2 = f32x4.add(a2, f32x4.mul(g, v128.load(base + o2)));
    a3 = f32x4.add(a3, f32x4.mul(g, v128.load(base + o3)));
    a4 = f32x4.add(a4, f32x4.mul(g, v128.load(base + o4)));
    a5 = f32x4.add(a5, f32x4.mul(g, v128.load(base + o5)));
    a6 = f32x4.add(a6, f32x4.mul(g, v128.load(base + o6)));
    a7 = f32x4.add(a7, f32x4.mul(g, v128.load(base + o7)));
    a8 = f32x4.add(a8, f32x4.mul(g, v128.load(base + o8)));
    a9 = f32x4.add(a9, f32x4.mul(g, v128.load(base + o9)));
    a10 = f32x4.add(a10, f32x4.mul(g, v128.load(base + o10)));
    a11 = f32x4.add(a11, f32x4.mul(g, v128.load(base + o11)));
  }
  v128.store(acc, a0, 0);
  v128.store(acc, a1, 16);
  v128.store(acc, a2, 32);
  v128.store(acc, a3, 48);
  v128.store(acc, a4, 64);
  v128.store(acc, a5, 80);
  v128.store(acc, a6, 96);
  v128.store(acc, a7, 112);
  v128.store(acc, a8, 128);
  v128.store(acc, a9, 144);
  v128.store(acc, a10, 160);
  v128.store(acc, a11, 176);
}

/** acc[v] = Σₑ gₑ · x[addrₑ + offs[v]] for 4 vectors v (list: m pairs of address, g). */
// @ts-ignore: decorator
@inline
function gatherSums4(planes: usize, list: usize, m: i32, offs: usize, acc: usize): void {
  const o0 = <usize>load<i32>(offs, 0);
  const o1 = <usize>load<i32>(offs, 4);
  const o2 = <usize>load<i32>(offs, 8);
  const o3 = <usize>load<i32>(offs, 12);
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  for (let e = 0; e < m; e++) {
    const p = list + (<usize>e << 3);
    const base = planes + <usize>load<i32>(p);
    const g = v128.load32_splat(p, 4);
    a0 = f32x4.add(a0, f32x4.mul(g, v128.load(base + o0)));
    a1 = f32x4.add(a1, f32x4.mul(g, v128.load(base + o1)));
    a2 = f32x4.add(a2, f32x4.mul(g, v128.load(base + o2)));
    a3 = f32x4.add(a3, f32x4.mul(g, v128.load(base + o3)));
  }
  v128.store(acc, a0, 0);
  v128.store(acc, a1, 16);
  v128.store(acc, a2, 32);
  v128.store(acc, a3, 48);
}

/** acc[v] = Σₑ gₑ · x[addrₑ + offs[v]] for 3 vectors v (list: m pairs of address, g). */
// @ts-ignore: decorator
@inline
function gatherSums3(planes: usize, list: usize, m: i32, offs: usize, acc: usize): void {
  const o0 = <usize>load<i32>(offs, 0);
  const o1 = <usize>load<i32>(offs, 4);
  const o2 = <usize>load<i32>(offs, 8);
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  for (let e = 0; e < m; e++) {
    const p = list + (<usize>e << 3);
    const base = planes + <usize>load<i32>(p);
    const g = v128.load32_splat(p, 4);
    a0 = f32x4.add(a0, f32x4.mul(g, v128.load(base + o0)));
    a1 = f32x4.add(a1, f32x4.mul(g, v128.load(base + o1)));
    a2 = f32x4.add(a2, f32x4.mul(g, v128.load(base + o2)));
  }
  v128.store(acc, a0, 0);
  v128.store(acc, a1, 16);
  v128.store(acc, a2, 32);
}

/** acc[v] = Σₑ gₑ · x[addrₑ + offs[v]] for 1 vectors v (list: m pairs of address, g). */
// @ts-ignore: decorator
@inline
function gatherSums1(planes: usize, list: usize, m: i32, offs: usize, acc: usize): void {
  const o0 = <usize>load<i32>(offs, 0);
  let a0 = f32x4.splat(0);
  for (let e = 0; e < m; e++) {
    const p = list + (<usize>e << 3);
    const base = planes + <usize>load<i32>(p);
    const g = v128.load32_splat(p, 4);
    a0 = f32x4.add(a0, f32x4.mul(g, v128.load(base + o0)));
  }
  v128.store(acc, a0, 0);
}

/** dst[addrₑ + offs[v]] += gₑ · w[v] for 12 vectors v, for each pair (address, g) of the list. */
// @ts-ignore: decorator
@inline
function scatterSums12(planes: usize, list: usize, m: i32, offs: usize, w: usize): void {
  const o0 = <usize>load<i32>(offs, 0);
  const o1 = <usize>load<i32>(offs, 4);
  const o2 = <usize>load<i32>(offs, 8);
  const o3 = <usize>load<i32>(offs, 12);
  const o4 = <usize>load<i32>(offs, 16);
  const o5 = <usize>load<i32>(offs, 20);
  const o6 = <usize>load<i32>(offs, 24);
  const o7 = <usize>load<i32>(offs, 28);
  const o8 = <usize>load<i32>(offs, 32);
  const o9 = <usize>load<i32>(offs, 36);
  const o10 = <usize>load<i32>(offs, 40);
  const o11 = <usize>load<i32>(offs, 44);
  const w0 = v128.load(w, 0);
  const w1 = v128.load(w, 16);
  const w2 = v128.load(w, 32);
  const w3 = v128.load(w, 48);
  const w4 = v128.load(w, 64);
  const w5 = v128.load(w, 80);
  const w6 = v128.load(w, 96);
  const w7 = v128.load(w, 112);
  const w8 = v128.load(w, 128);
  const w9 = v128.load(w, 144);
  const w10 = v128.load(w, 160);
  const w11 = v128.load(w, 176);
  for (let e = 0; e < m; e++) {
    const p = list + (<usize>e << 3);
    const base = planes + <usize>load<i32>(p);
    const g = v128.load32_splat(p, 4);
    v128.store(base + o0, f32x4.add(v128.load(base + o0), f32x4.mul(g, w0)));
    v128.store(base + o1, f32x4.add(v128.load(base + o1), f32x4.mul(g, w1)));
    v128.store(base + o2, f32x4.add(v128.load(base + o2), f32x4.mul(g, w2)));
    v128.store(base + o3, f32x4.add(v128.load(base + o3), f32x4.mul(g, w3)));
    v128.store(base + o4, f32x4.add(v128.load(base + o4), f32x4.mul(g, w4)));
    v128.store(base + o5, f32x4.add(v128.load(base + o5), f32x4.mul(g, w5)));
    v128.store(base + o6, f32x4.add(v128.load(base + o6), f32x4.mul(g, w6)));
    v128.store(base + o7, f32x4.add(v128.load(base + o7), f32x4.mul(g, w7)));
    v128.store(base + o8, f32x4.add(v128.load(base + o8), f32x4.mul(g, w8)));
    v128.store(base + o9, f32x4.add(v128.load(base + o9), f32x4.mul(g, w9)));
    v128.store(base + o10, f32x4.add(v128.load(base + o10), f32x4.mul(g, w10)));
    v128.store(base + o11, f32x4.add(v128.load(base + o11), f32x4.mul(g, w11)));
  }
}

/** dst[addrₑ + offs[v]] += gₑ · w[v] for 4 vectors v, for each pair (address, g) of the list. */
// @ts-ignore: decorator
@inline
function scatterSums4(planes: usize, list: usize, m: i32, offs: usize, w: usize): void {
  const o0 = <usize>load<i32>(offs, 0);
  const o1 = <usize>load<i32>(offs, 4);
  const o2 = <usize>load<i32>(offs, 8);
  const o3 = <usize>load<i32>(offs, 12);
  const w0 = v128.load(w, 0);
  const w1 = v128.load(w, 16);
  const w2 = v128.load(w, 32);
  const w3 = v128.load(w, 48);
  for (let e = 0; e < m; e++) {
    const p = list + (<usize>e << 3);
    const base = planes + <usize>load<i32>(p);
    const g = v128.load32_splat(p, 4);
    v128.store(base + o0, f32x4.add(v128.load(base + o0), f32x4.mul(g, w0)));
    v128.store(base + o1, f32x4.add(v128.load(base + o1), f32x4.mul(g, w1)));
    v128.store(base + o2, f32x4.add(v128.load(base + o2), f32x4.mul(g, w2)));
    v128.store(base + o3, f32x4.add(v128.load(base + o3), f32x4.mul(g, w3)));
  }
}

/** dst[addrₑ + offs[v]] += gₑ · w[v] for 3 vectors v, for each pair (address, g) of the list. */
// @ts-ignore: decorator
@inline
function scatterSums3(planes: usize, list: usize, m: i32, offs: usize, w: usize): void {
  const o0 = <usize>load<i32>(offs, 0);
  const o1 = <usize>load<i32>(offs, 4);
  const o2 = <usize>load<i32>(offs, 8);
  const w0 = v128.load(w, 0);
  const w1 = v128.load(w, 16);
  const w2 = v128.load(w, 32);
  for (let e = 0; e < m; e++) {
    const p = list + (<usize>e << 3);
    const base = planes + <usize>load<i32>(p);
    const g = v128.load32_splat(p, 4);
    v128.store(base + o0, f32x4.add(v128.load(base + o0), f32x4.mul(g, w0)));
    v128.store(base + o1, f32x4.add(v128.load(base + o1), f32x4.mul(g, w1)));
    v128.store(base + o2, f32x4.add(v128.load(base + o2), f32x4.mul(g, w2)));
  }
}

/** dst[addrₑ + offs[v]] += gₑ · w[v] for 1 vectors v, for each pair (address, g) of the list. */
// @ts-ignore: decorator
@inline
function scatterSums1(planes: usize, list: usize, m: i32, offs: usize, w: usize): void {
  const o0 = <usize>load<i32>(offs, 0);
  const w0 = v128.load(w, 0);
  for (let e = 0; e < m; e++) {
    const p = list + (<usize>e << 3);
    const base = planes + <usize>load<i32>(p);
    const g = v128.load32_splat(p, 4);
    v128.store(base + o0, f32x4.add(v128.load(base + o0), f32x4.mul(g, w0)));
  }
}

/** dst[n, y, x, c] = xp[n, c, y, x] over the padded planes; returns dst. */
function toChannelsLast(geo: ConvGeo, xp: usize, dst: usize): usize {
  const C = geo.C;
  const hw = (geo.H + 2 * geo.ph) * (geo.W + 2 * geo.pw);
  for (let n = 0; n < geo.N; n++) {
    const s = xp + (<usize>(n * C * hw) << 2);
    const d = dst + (<usize>(n * C * hw) << 2);
    if ((C & 3) == 0 && (hw & 3) == 0) {
      // 4 channels × 4 positions at a time: a 4×4 transpose.
      const ld = <usize>hw << 2;
      for (let c = 0; c < C; c += 4) {
        for (let i = 0; i < hw; i += 4) {
          const p = s + (<usize>(c * hw + i) << 2);
          const q = d + (<usize>(i * C + c) << 2);
          const a0 = v128.load(p), a1 = v128.load(p + ld), a2 = v128.load(p + 2 * ld), a3 = v128.load(p + 3 * ld);
          const t0 = v128.shuffle<i32>(a0, a1, 0, 4, 1, 5);
          const t1 = v128.shuffle<i32>(a2, a3, 0, 4, 1, 5);
          const t2 = v128.shuffle<i32>(a0, a1, 2, 6, 3, 7);
          const t3 = v128.shuffle<i32>(a2, a3, 2, 6, 3, 7);
          const row = <usize>C << 2;
          v128.store(q, v128.shuffle<i64>(t0, t1, 0, 2));
          v128.store(q + row, v128.shuffle<i64>(t0, t1, 1, 3));
          v128.store(q + 2 * row, v128.shuffle<i64>(t2, t3, 0, 2));
          v128.store(q + 3 * row, v128.shuffle<i64>(t2, t3, 1, 3));
        }
      }
      continue;
    }
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < hw; i++) store<f32>(d + (<usize>(i * C + c) << 2), load<f32>(s + (<usize>(c * hw + i) << 2)));
    }
  }
  return dst;
}

/** dx[n, c, y, x] = src[n, y + ph, x + pw, c]: the channels-last padded gradient back to the input's layout. */
function fromChannelsLast(geo: ConvGeo, src: usize, dx: usize): void {
  const C = geo.C;
  const Hp = geo.H + 2 * geo.ph;
  const Wp = geo.W + 2 * geo.pw;
  for (let n = 0; n < geo.N; n++) {
    for (let c = 0; c < C; c++) {
      for (let yy = 0; yy < geo.H; yy++) {
        const s = src + (<usize>((((n * Hp + yy + geo.ph) * Wp + geo.pw) * C) + c) << 2);
        const d = dx + (<usize>(((n * C + c) * geo.H + yy) * geo.W) << 2);
        for (let xx = 0; xx < geo.W; xx++) store<f32>(d + (<usize>xx << 2), load<f32>(s + (<usize>(xx * C) << 2)));
      }
    }
  }
}

/** db[o] = Σ_{n,l} g[n,o,l] in float64, in two f64x2 running sums (four partial sums) and a scalar tail. */
function convBiasGrad(geo: ConvGeo, g: usize, db: usize): void {
  const L = geo.Ho * geo.Wo;
  for (let o = 0; o < geo.O; o++) {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let s: f64 = 0;
    for (let n = 0; n < geo.N; n++) {
      const row = g + (<usize>((n * geo.O + o) * L) << 2);
      let l = 0;
      for (; l + 4 <= L; l += 4) {
        const v = v128.load(row + (<usize>l << 2));
        s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
        s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
      }
      for (; l < L; l++) s += <f64>load<f32>(row + (<usize>l << 2));
    }
    const t = f64x2.add(s0, s1);
    store<f64>(db + (<usize>o << 3), s + (f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1)));
  }
}

/**
 * dw (O × K) = Σ over output positions t = (n, y, x) of g[n,:,y,x] ⊗ patch(t): one product with the
 * positions as its inner dimension, in blocks of whole output rows (≤ KC positions unless a row is longer).
 */
function convWeightGrad(geo: ConvGeo, xp: usize, g: usize, dw: usize, ws: ConvWork): void {
  const O = geo.O;
  const K = geo.C * geo.kh * geo.kw;
  const L = geo.Ho * geo.Wo;
  const Wo = geo.Wo;
  const imgIn = geo.C * (geo.H + 2 * geo.ph) * (geo.W + 2 * geo.pw);
  const Wp = geo.W + 2 * geo.pw;
  const rowsPerBlock = max(1, KC / Wo);
  const R = geo.N * geo.Ho;
  for (let r0 = 0; r0 < R; r0 += rowsPerBlock) {
    const rows = min(rowsPerBlock, R - r0);
    const kc = rows * Wo;
    // A: ⌈O/4⌉ panels of kc×4 from the gradient, four output channels side by side.
    let dst = ws.Ap;
    for (let o0 = 0; o0 < O; o0 += MR) {
      for (let r = r0; r < r0 + rows; r++) {
        const n = r / geo.Ho;
        const y = r % geo.Ho;
        const base = g + (<usize>((n * O + o0) * L + y * Wo) << 2);
        const ld = <usize>L << 2;
        let x = 0;
        if (o0 + MR <= O) {
          for (; x + 4 <= Wo; x += 4) {
            const p = base + (<usize>x << 2);
            transpose4(v128.load(p), v128.load(p + ld), v128.load(p + 2 * ld), v128.load(p + 3 * ld), dst);
            dst += 64;
          }
        }
        for (; x < Wo; x++) {
          for (let q = 0; q < MR; q++) {
            const v: f32 = o0 + q < O ? load<f32>(base + <usize>q * ld + (<usize>x << 2)) : 0;
            store<f32>(dst + (<usize>q << 2), v);
          }
          dst += MR << 2;
        }
      }
    }
    // B: ⌈K/8⌉ panels of kc×8, the patch of each position as a row.
    dst = ws.Bp;
    for (let k0 = 0; k0 < K; k0 += NR) {
      for (let r = r0; r < r0 + rows; r++) {
        const n = r / geo.Ho;
        const y = r % geo.Ho;
        const xn = xp + (<usize>(n * imgIn + y * geo.sh * Wp) << 2);
        let x = 0;
        if (geo.sw == 1) {
          for (; x + 4 <= Wo; x += 4) {
            const p = xn + (<usize>x << 2);
            for (let h = 0; h < 2; h++) {
              // Patch rows past K (a last, partial panel) are zeros.
              const k = k0 + 4 * h;
              const ko = ws.koff + (<usize>k << 2);
              const zero = f32x4.splat(0);
              transpose4Strided(
                k < K ? v128.load(p + (<usize>load<i32>(ko) << 2)) : zero,
                k + 1 < K ? v128.load(p + (<usize>load<i32>(ko, 4) << 2)) : zero,
                k + 2 < K ? v128.load(p + (<usize>load<i32>(ko, 8) << 2)) : zero,
                k + 3 < K ? v128.load(p + (<usize>load<i32>(ko, 12) << 2)) : zero,
                dst + (<usize>h << 4),
              );
            }
            dst += 4 * (NR << 2);
          }
        }
        for (; x < Wo; x++) {
          const p = xn + (<usize>(x * geo.sw) << 2);
          for (let q = 0; q < NR; q++) {
            const v: f32 = k0 + q < K ? load<f32>(p + (<usize>load<i32>(ws.koff + (<usize>(k0 + q) << 2)) << 2)) : 0;
            store<f32>(dst + (<usize>q << 2), v);
          }
          dst += NR << 2;
        }
      }
    }
    for (let k0 = 0; k0 < K; k0 += NR) {
      const nr = min(NR, K - k0);
      const bPanel = ws.Bp + (<usize>(k0 * kc) << 2);
      for (let o0 = 0; o0 < O; o0 += MR) {
        tile(ws.Ap + (<usize>(o0 * kc) << 2), bPanel, kc, dw + (<usize>(o0 * K + k0) << 2), K, min(MR, O - o0), nr, ws.scratch, r0 == 0);
      }
    }
  }
}

/** Rows a, b, c, d (4 floats each) as columns: dst gets a 4×4 block, 16 bytes a row. */
// @ts-ignore: decorator
@inline
function transpose4(a: v128, b: v128, c: v128, d: v128, dst: usize): void {
  const t0 = v128.shuffle<i32>(a, b, 0, 4, 1, 5);
  const t1 = v128.shuffle<i32>(c, d, 0, 4, 1, 5);
  const t2 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
  const t3 = v128.shuffle<i32>(c, d, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<i64>(t0, t1, 0, 2));
  v128.store(dst, v128.shuffle<i64>(t0, t1, 1, 3), 16);
  v128.store(dst, v128.shuffle<i64>(t2, t3, 0, 2), 32);
  v128.store(dst, v128.shuffle<i64>(t2, t3, 1, 3), 48);
}

/** As transpose4, but into half of an 8-float panel row: rows of the block land 32 bytes apart. */
// @ts-ignore: decorator
@inline
function transpose4Strided(a: v128, b: v128, c: v128, d: v128, dst: usize): void {
  const t0 = v128.shuffle<i32>(a, b, 0, 4, 1, 5);
  const t1 = v128.shuffle<i32>(c, d, 0, 4, 1, 5);
  const t2 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
  const t3 = v128.shuffle<i32>(c, d, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<i64>(t0, t1, 0, 2));
  v128.store(dst, v128.shuffle<i64>(t0, t1, 1, 3), 32);
  v128.store(dst, v128.shuffle<i64>(t2, t3, 0, 2), 64);
  v128.store(dst, v128.shuffle<i64>(t2, t3, 1, 3), 96);
}

/**
 * dx = the patches' adjoint of Wᵀ·g[n] for each image: the product (K × L) into ws.cols, then every
 * entry added back to the input position it was gathered from (into a padded copy when padding).
 */
function convInputGrad(geo: ConvGeo, wt: usize, g: usize, dx: usize, ws: ConvWork): void {
  const O = geo.O;
  const K = geo.C * geo.kh * geo.kw;
  const L = geo.Ho * geo.Wo;
  const Hp = geo.H + 2 * geo.ph;
  const Wp = geo.W + 2 * geo.pw;
  const padded = geo.ph != 0 || geo.pw != 0;
  const imgIn = geo.C * Hp * Wp;
  const dxp = padded ? ws.dxp : dx;
  memory.fill(dxp, 0, <usize>(geo.N * imgIn) << 2);
  // Wᵀ packed once: per O-block, ⌈K/4⌉ panels of oc×4.
  const Kpad = roundUp(K, MR);
  for (let o0 = 0; o0 < O; o0 += KC) packA(wt, true, K, O, 0, K, o0, min(KC, O - o0), ws.Ap + (<usize>(Kpad * o0) << 2));
  for (let n = 0; n < geo.N; n++) {
    const gn = g + (<usize>(n * O * L) << 2);
    for (let o0 = 0; o0 < O; o0 += KC) {
      const oc = min(KC, O - o0);
      packB(gn, false, L, O, o0, oc, ws.Bp);
      const Ab = ws.Ap + (<usize>(Kpad * o0) << 2);
      for (let l0 = 0; l0 < L; l0 += NR) {
        const nr = min(NR, L - l0);
        const bPanel = ws.Bp + (<usize>(l0 * oc) << 2);
        for (let r0 = 0; r0 < K; r0 += MR) {
          tile(Ab + (<usize>(r0 * oc) << 2), bPanel, oc, ws.cols + (<usize>(r0 * L + l0) << 2), L, min(MR, K - r0), nr, ws.scratch, o0 == 0);
        }
      }
    }
    // col2im: row k of the product goes back to the input rows it was gathered from.
    const dn = dxp + (<usize>(n * imgIn) << 2);
    for (let k = 0; k < K; k++) {
      const base = dn + (<usize>load<i32>(ws.koff + (<usize>k << 2)) << 2);
      const src = ws.cols + (<usize>(k * L) << 2);
      for (let y = 0; y < geo.Ho; y++) {
        const d = base + (<usize>(y * geo.sh * Wp) << 2);
        const s = src + (<usize>(y * geo.Wo) << 2);
        if (geo.sw == 1) {
          let x = 0;
          for (; x + 4 <= geo.Wo; x += 4) {
            const o = <usize>x << 2;
            v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(s + o)));
          }
          for (; x < geo.Wo; x++) {
            const o = <usize>x << 2;
            store<f32>(d + o, load<f32>(d + o) + load<f32>(s + o));
          }
        } else {
          for (let x = 0; x < geo.Wo; x++) {
            const p = d + (<usize>(x * geo.sw) << 2);
            store<f32>(p, load<f32>(p) + load<f32>(s + (<usize>x << 2)));
          }
        }
      }
    }
  }
  if (padded) {
    const planes = geo.N * geo.C;
    const rowBytes = <usize>geo.W << 2;
    for (let p = 0; p < planes; p++) {
      let src = dxp + (<usize>((p * Hp + geo.ph) * Wp + geo.pw) << 2);
      let dst = dx + (<usize>(p * geo.H * geo.W) << 2);
      for (let y = 0; y < geo.H; y++) {
        copyFloats(dst, src, geo.W);
        src += <usize>Wp << 2;
        dst += rowBytes;
      }
    }
  }
}

/**
 * Max pooling of `planes` H×W planes: out[p,y,x] = the max over the window at (y·sh − ph, x·sw − pw),
 * idx = `first` + the flat input index of the element chosen. As PyTorch: a later element wins when greater or
 * NaN, so ties keep the first and NaN propagates. Windows of 2×2 at stride 2 without padding run four
 * outputs at a time, whatever the width.
 */
export function maxPool(x: usize, out: usize, idx: usize, first: i32, planes: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, Ho: i32, Wo: i32): void {
  const simple = kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0;
  const per = Ho * Wo;
  const n4 = simple ? per & ~3 : 0;
  const ib = i32x4.splat(first);
  for (let p = 0; p < planes; p++) {
    const plane = p * H * W;
    const o = out + (<usize>(p * per) << 2);
    const ix = idx + (<usize>(p * per) << 2);
    let oy = 0;
    let ox = 0;
    for (let k = 0; k < n4; k += 4) {
      let t01: v128, t23: v128, u01: v128, u23: v128, iTop: v128;
      if ((Wo & 3) == 0) {
        // Four windows side by side in one output row: two 16-byte loads per input row.
        const b0 = plane + 2 * (oy * W + ox);
        const r = x + (<usize>b0 << 2);
        t01 = v128.load(r);
        t23 = v128.load(r, 16);
        u01 = v128.load(r + (<usize>W << 2));
        u23 = v128.load(r + (<usize>W << 2), 16);
        iTop = i32x4.add(i32x4.splat(b0), i32x4(0, 2, 4, 6));
        ox += 4;
        const wrap = ox == Wo;
        ox = select(0, ox, wrap);
        oy += <i32>wrap;
      } else {
        // The top-left input of each of four windows, in output order across rows.
        const b0 = plane + 2 * (oy * W + ox);
        let wrap = ++ox == Wo;
        ox = select(0, ox, wrap);
        oy += <i32>wrap;
        const b1 = plane + 2 * (oy * W + ox);
        wrap = ++ox == Wo;
        ox = select(0, ox, wrap);
        oy += <i32>wrap;
        const b2 = plane + 2 * (oy * W + ox);
        wrap = ++ox == Wo;
        ox = select(0, ox, wrap);
        oy += <i32>wrap;
        const b3 = plane + 2 * (oy * W + ox);
        wrap = ++ox == Wo;
        ox = select(0, ox, wrap);
        oy += <i32>wrap;
        const row = <usize>W << 2;
        t01 = v128.load64_lane(x + (<usize>b1 << 2), v128.load64_zero(x + (<usize>b0 << 2)), 1);
        t23 = v128.load64_lane(x + (<usize>b3 << 2), v128.load64_zero(x + (<usize>b2 << 2)), 1);
        u01 = v128.load64_lane(x + (<usize>b1 << 2) + row, v128.load64_zero(x + (<usize>b0 << 2) + row), 1);
        u23 = v128.load64_lane(x + (<usize>b3 << 2) + row, v128.load64_zero(x + (<usize>b2 << 2) + row), 1);
        iTop = i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(b0), 1, b1), 2, b2), 3, b3);
      }
      const iBottom = i32x4.add(iTop, i32x4.splat(W));
      const one = i32x4.splat(1);
      // The window's four elements in scan order, each for four outputs.
      let best = v128.shuffle<i32>(t01, t23, 0, 2, 4, 6);
      let bi = iTop;
      let v = v128.shuffle<i32>(t01, t23, 1, 3, 5, 7);
      let m = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
      best = v128.bitselect(v, best, m);
      bi = v128.bitselect(i32x4.add(iTop, one), bi, m);
      v = v128.shuffle<i32>(u01, u23, 0, 2, 4, 6);
      m = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
      best = v128.bitselect(v, best, m);
      bi = v128.bitselect(iBottom, bi, m);
      v = v128.shuffle<i32>(u01, u23, 1, 3, 5, 7);
      m = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
      best = v128.bitselect(v, best, m);
      bi = v128.bitselect(i32x4.add(iBottom, one), bi, m);
      v128.store(o + (<usize>k << 2), best);
      v128.store(ix + (<usize>k << 2), i32x4.add(bi, ib));
    }
    for (let k = n4; k < per; k++) {
      const y0 = (k / Wo) * sh - ph;
      const x0 = (k % Wo) * sw - pw;
      const yStart = max(y0, 0);
      const xStart = max(x0, 0);
      const yEnd = min(y0 + kh, H);
      const xEnd = min(x0 + kw, W);
      let best: f32 = -Infinity;
      let bi = plane + yStart * W + xStart;
      for (let iy = yStart; iy < yEnd; iy++) {
        for (let jx = xStart; jx < xEnd; jx++) {
          const i = plane + iy * W + jx;
          const v = load<f32>(x + (<usize>i << 2));
          // Branch-free: on random data a branch here mispredicts about once an output.
          const take = v > best || v != v;
          best = select<f32>(v, best, take);
          bi = select<i32>(i, bi, take);
        }
      }
      store<f32>(o + (<usize>k << 2), best);
      store<i32>(ix + (<usize>k << 2), first + bi);
    }
  }
}

/**
 * The gradient reaching a conv2d → relu → maxPool2d block's conv output: dx (nIn floats) = 0, then
 * dx[idx[k]] += g[k] where the pooled output y[k] > 0 (relu's mask, read at the pooled value the max
 * came from), the same sums as maxPoolBackward followed by reluBackward.
 */
export function maxPoolReluBackward(g: usize, idx: usize, y: usize, dx: usize, nOut: i32, nIn: i32): void {
  memory.fill(dx, 0, <usize>nIn << 2);
  for (let k = 0; k < nOut; k++) {
    const o = <usize>k << 2;
    const p = dx + (<usize>load<i32>(idx + o) << 2);
    // Branch-free: a masked position only ever gets +0 added, so it ends +0 as relu's backward leaves it.
    store<f32>(p, load<f32>(p) + select<f32>(load<f32>(g + o), 0, load<f32>(y + o) > 0));
  }
}

/** dx (nIn floats) = 0, then dx[idx[k]] += g[k] for k < nOut: max pooling's backward. */
export function maxPoolBackward(g: usize, idx: usize, dx: usize, nOut: i32, nIn: i32): void {
  memory.fill(dx, 0, <usize>nIn << 2);
  for (let k = 0; k < nOut; k++) {
    const p = dx + (<usize>load<i32>(idx + (<usize>k << 2)) << 2);
    store<f32>(p, load<f32>(p) + load<f32>(g + (<usize>k << 2)));
  }
}

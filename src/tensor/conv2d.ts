// 2-D convolution (cross-correlation, as PyTorch) by im2col + matrix product.
import { needsGraph, recordOp } from "./autograd.js";
import { allocStorage, promoteTypes, type Storage } from "./dtype.js";
import { ArgumentError, ShapeError } from "./errors.js";
import { formatShape } from "./shape.js";
import { gemmAdd } from "./gemm.js";
import { useWasm } from "./kernels/backend.js";
import { Tensor } from "./tensor.js";

/** Stride and padding of conv2d, each one number or [height, width]. */
export interface Conv2dOptions {
  stride?: number | readonly [number, number];
  padding?: number | readonly [number, number];
}

/** `v` or `[v, v]` as a checked pair of integers ≥ `min`. */
export function pair(v: number | readonly number[], name: string, op: string, min: number): [number, number] {
  const p = typeof v === "number" ? [v, v] : [...v];
  if (p.length !== 2 || p.some((x) => typeof x !== "number" || !Number.isInteger(x) || x < min)) {
    throw new ArgumentError(`${op}: ${name} must be an integer ≥ ${min} or a pair of them, got ${JSON.stringify(v)}`);
  }
  return [p[0]!, p[1]!];
}

interface Geometry {
  C: number; H: number; W: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number; Ho: number; Wo: number;
}

/** cols[(c·kh + i)·kw + j, y·Wo + x] = input[c, y·sh - ph + i, x·sw - pw + j] (0 outside). */
function im2col(src: Storage, off: number, g: Geometry, cols: Storage): void {
  const { C, H, W, kh, kw, sh, sw, ph, pw, Ho, Wo } = g;
  const L = Ho * Wo;
  let row = 0;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, row++) {
        const base = row * L;
        for (let y = 0; y < Ho; y++) {
          const iy = y * sh - ph + i;
          const rowOff = base + y * Wo;
          if (iy < 0 || iy >= H) {
            cols.fill(0, rowOff, rowOff + Wo);
            continue;
          }
          const inRow = off + (c * H + iy) * W;
          for (let x = 0; x < Wo; x++) {
            const ix = x * sw - pw + j;
            cols[rowOff + x] = ix >= 0 && ix < W ? src[inRow + ix]! : 0;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: adds each column entry back into its input position. */
function col2im(cols: Storage, g: Geometry, dst: Storage, off: number): void {
  const { C, H, W, kh, kw, sh, sw, ph, pw, Ho, Wo } = g;
  const L = Ho * Wo;
  let row = 0;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, row++) {
        const base = row * L;
        for (let y = 0; y < Ho; y++) {
          const iy = y * sh - ph + i;
          if (iy < 0 || iy >= H) continue;
          const inRow = off + (c * H + iy) * W;
          for (let x = 0; x < Wo; x++) {
            const ix = x * sw - pw + j;
            if (ix >= 0 && ix < W) dst[inRow + ix]! += cols[base + y * Wo + x]!;
          }
        }
      }
    }
  }
}

/**
 * conv2d(input[N,C,H,W], weight[O,C,kh,kw], bias[O]?) → [N,O,Ho,Wo] with
 * out[n,o,y,x] = bias[o] + Σ_{c,i,j} weight[o,c,i,j]·input[n,c,y·sh-ph+i,x·sw-pw+j].
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  if (input.ndim !== 4) throw new ShapeError(`conv2d: input must be 4-D (N, C, H, W), got shape ${formatShape(input.shape)}`);
  if (weight.ndim !== 4) throw new ShapeError(`conv2d: weight must be 4-D (O, C, kh, kw), got shape ${formatShape(weight.shape)}`);
  const [N, C, H, W] = input.shape as [number, number, number, number];
  const [O, Cw, kh, kw] = weight.shape as [number, number, number, number];
  if (C !== Cw) {
    throw new ShapeError(`conv2d: input ${formatShape(input.shape)} has ${C} channels but weight ${formatShape(weight.shape)} expects ${Cw}`);
  }
  const b = bias ?? null;
  if (b !== null && (b.ndim !== 1 || b.shape[0] !== O)) {
    throw new ShapeError(`conv2d: bias must have shape (${O}), got ${formatShape(b.shape)}`);
  }
  const [sh, sw] = pair(opts.stride ?? 1, "stride", "conv2d", 1);
  const [ph, pw] = pair(opts.padding ?? 0, "padding", "conv2d", 0);
  const Ho = Math.floor((H + 2 * ph - kh) / sh) + 1;
  const Wo = Math.floor((W + 2 * pw - kw) / sw) + 1;
  if (Ho <= 0 || Wo <= 0) {
    throw new ShapeError(`conv2d: kernel ${kh}x${kw} is larger than the padded input ${H + 2 * ph}x${W + 2 * pw} (input ${formatShape(input.shape)})`);
  }
  const geo: Geometry = { C, H, W, kh, kw, sh, sw, ph, pw, Ho, Wo };
  const K = C * kh * kw;
  const L = Ho * Wo;
  let dtype = promoteTypes(input.dtype, weight.dtype);
  if (b !== null) dtype = promoteTypes(dtype, b.dtype);
  // float32 buffers send every product to the SIMD kernel; float64 buffers keep the JS loops' double sums.
  const fast = dtype === "float32" && useWasm();
  const scratch = (n: number): Storage => (fast ? new Float32Array(n) : new Float64Array(n));
  const cols = scratch(K * L);
  const acc = fast ? allocStorage(dtype, N * O * L) : new Float64Array(N * O * L);
  const wd = weight.data;
  for (let n = 0; n < N; n++) {
    im2col(input.data, n * C * H * W, geo, cols);
    if (b !== null) for (let o = 0; o < O; o++) acc.fill(b.data[o]!, (n * O + o) * L, (n * O + o + 1) * L);
    gemmAdd(wd, 0, cols, 0, acc, n * O * L, O, K, L, false, false);
  }
  let outData = acc;
  if (!fast) {
    outData = allocStorage(dtype, acc.length);
    outData.set(acc);
  }
  const out = new Tensor(outData, [N, O, Ho, Wo]);
  const inputs = b === null ? [input, weight] : [input, weight, b];
  if (!needsGraph(...inputs)) return out;
  const x = input.detach();
  const w = weight.detach();
  const inShape = input.shape;
  const wShape = weight.shape;
  return recordOp(out, "ConvolutionBackward0", inputs, [x, w], (g, needs) => {
    const gd = g.data;
    const fastB = g.dtype === "float32" && x.dtype === "float32" && w.dtype === "float32" && useWasm();
    const scratchB = (n: number): Storage => (fastB ? new Float32Array(n) : new Float64Array(n));
    const dW = needs[1] ? scratchB(O * K) : null;
    const dX = needs[0] ? allocStorage(g.dtype, N * C * H * W) : null;
    const colsB = scratchB(K * L);
    const dCols = dX !== null ? scratchB(K * L) : null;
    for (let n = 0; n < N; n++) {
      if (dW !== null) {
        im2col(x.data, n * C * H * W, geo, colsB);
        // dW += g[n] (O x L) @ cols[n]ᵀ (L x K)
        gemmAdd(gd, n * O * L, colsB, 0, dW, 0, O, L, K, false, true);
      }
      if (dX !== null && dCols !== null) {
        // dCols = Wᵀ (K x O) @ g[n] (O x L), then scattered back to the input.
        dCols.fill(0);
        gemmAdd(w.data, 0, gd, n * O * L, dCols, 0, K, O, L, true, false);
        col2im(dCols, geo, dX, n * C * H * W);
      }
    }
    let dB: Tensor | null = null;
    if (needs[2]) {
      const r = allocStorage(g.dtype, O);
      for (let n = 0; n < N; n++) {
        for (let o = 0; o < O; o++) {
          let s = 0;
          const gRow = (n * O + o) * L;
          for (let j = 0; j < L; j++) s += gd[gRow + j]!;
          r[o]! += s;
        }
      }
      dB = new Tensor(r, [O]);
    }
    let dWt: Tensor | null = null;
    if (dW !== null) {
      const r = allocStorage(g.dtype, O * K);
      r.set(dW);
      dWt = new Tensor(r, wShape);
    }
    return [dX === null ? null : new Tensor(dX, inShape), dWt, dB];
  });
}

// 2-D convolution (cross-correlation, as PyTorch): the float32 path in the SIMD module, and the
// reference by im2col + matrix product with float64 sums.
import { needsGraph, recordOp, type SavedValue } from "./autograd.js";
import { allocStorage, allocStorageToFill, isFloatingDType, promoteTypes, type Storage } from "./dtype.js";
import { ArgumentError, DTypeError, ShapeError } from "./errors.js";
import { formatShape, shapeNumel } from "./shape.js";
import { gemm } from "./gemm.js";
import { useWasm } from "./kernels/backend.js";
import { wasmConvBackward, wasmConvForward, type ConvEpilogue, type ConvGeometry, type ConvUpstream } from "./kernels/wasm-conv.js";
import { Tensor } from "./tensor.js";

/** Stride and padding of conv2d, each one number or [height, width]. */
export interface Conv2dOptions {
  stride?: number | readonly [number, number];
  padding?: number | readonly [number, number];
}

/** PyTorch's convolutions and poolings take float tensors only: names the integer or bool argument. */
export function checkFloatingArgument(t: Tensor, arg: string, op: string): void {
  if (!isFloatingDType(t.dtype)) {
    throw new DTypeError(`${op}: ${arg} has dtype ${t.dtype}, but ${op} is implemented for float32 and float64 only (convert with .float() first)`);
  }
}

/** `v` or `[v, v]` as a checked pair of integers ≥ `min`. */
export function pair(v: number | readonly number[], name: string, op: string, min: number): [number, number] {
  const p = typeof v === "number" ? [v, v] : [...v];
  if (p.length !== 2 || p.some((x) => typeof x !== "number" || !Number.isInteger(x) || x < min)) {
    throw new ArgumentError(`${op}: ${name} must be an integer ≥ ${min} or a pair of them, got ${JSON.stringify(v)}`);
  }
  return [p[0]!, p[1]!];
}


/** cols[(c·kh + i)·kw + j, y·Wo + x] = input[c, y·sh - ph + i, x·sw - pw + j] (0 outside). */
function im2col(src: Storage, off: number, g: ConvGeometry, cols: Storage): void {
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
function col2im(cols: Storage, g: ConvGeometry, dst: Storage, off: number): void {
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
 * float32 on the "wasm" backend runs in the SIMD module; everything else in the reference loops below.
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  const b = bias ?? null;
  const geo = convGeometry(input, weight, b, opts);
  const x = input.data;
  const w = weight.data;
  const bd = b === null ? null : b.data;
  if (x instanceof Float32Array && w instanceof Float32Array && (bd === null || bd instanceof Float32Array) && useWasm()) {
    return convFast(input, weight, b, geo);
  }
  return convGeneral(input, weight, b, geo);
}

/** @internal Checks the shapes and options of a conv2d call; returns its geometry. */
export function convGeometry(input: Tensor, weight: Tensor, b: Tensor | null, opts: Conv2dOptions): ConvGeometry {
  if (input.ndim !== 4) throw new ShapeError(`conv2d: input must be 4-D (N, C, H, W), got shape ${formatShape(input.shape)}`);
  if (weight.ndim !== 4) throw new ShapeError(`conv2d: weight must be 4-D (O, C, kh, kw), got shape ${formatShape(weight.shape)}`);
  checkFloatingArgument(input, "input", "conv2d");
  checkFloatingArgument(weight, "weight", "conv2d");
  if (b !== null) checkFloatingArgument(b, "bias", "conv2d");
  const [N, C, H, W] = input.shape as [number, number, number, number];
  const [O, Cw, kh, kw] = weight.shape as [number, number, number, number];
  if (C !== Cw) {
    throw new ShapeError(`conv2d: input ${formatShape(input.shape)} has ${C} channels but weight ${formatShape(weight.shape)} expects ${Cw}`);
  }
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
  return { N, C, H, W, O, kh, kw, sh, sw, ph, pw, Ho, Wo };
}

/** The bias gradient in float64 before it is rounded to the bias's dtype (reused: one per process). */
let biasGradScratch = new Float64Array(0);

/**
 * @internal float32 conv2d in the SIMD module, followed inside the same call by `epilogue` (relu, or
 * relu then max pooling): one call forward, one call for all three gradients, one graph node named as
 * PyTorch names the block's last op. The caller checked that input, weight and bias are float32.
 */
export function convFast(input: Tensor, weight: Tensor, b: Tensor | null, geo: ConvGeometry, epilogue: ConvEpilogue = NO_EPILOGUE): Tensor {
  const { N, C, H, W, O, kh, kw, Ho, Wo } = geo;
  const pool = epilogue.kind === "reluMaxPool" ? epilogue.pool : null;
  const outShape = pool === null ? [N, O, Ho, Wo] : [N, O, pool.Ho, pool.Wo];
  const out = allocStorageToFill("float32", shapeNumel(outShape)) as Float32Array;
  const idx = pool === null ? null : new Int32Array(out.length);
  wasmConvForward(input.data as Float32Array, weight.data as Float32Array, b === null ? null : (b.data as Float32Array), out, idx, geo, epilogue);
  const y = new Tensor(out, outShape);
  const inputs = b === null ? [input, weight] : [input, weight, b];
  if (!needsGraph(...inputs)) return y;
  const x = weight.requiresGrad ? input.detach() : null;
  const w = input.requiresGrad ? weight.detach() : null;
  const saved: SavedValue[] = [];
  if (x !== null) saved.push(x);
  if (w !== null) saved.push(w);
  if (epilogue.kind !== "none") saved.push(out);
  if (idx !== null) saved.push(idx);
  const up: ConvUpstream =
    epilogue.kind === "none" ? { kind: "none" } : pool === null ? { kind: "relu", y: out } : { kind: "reluMaxPool", pool, y: out, idx: idx! };
  const name = epilogue.kind === "none" ? "ConvolutionBackward0" : pool === null ? "ReluBackward0" : "MaxPool2DWithIndicesBackward0";
  return recordOp(y, name, inputs, saved, (g, needs) => {
    const gd = g.data as Float32Array;
    const dx = needs[0] ? (allocStorageToFill("float32", N * C * H * W) as Float32Array) : null;
    const dw = needs[1] ? (allocStorageToFill("float32", O * C * kh * kw) as Float32Array) : null;
    if (needs[2] && biasGradScratch.length !== O) biasGradScratch = new Float64Array(O);
    const db = needs[2] ? biasGradScratch : null;
    wasmConvBackward(x === null ? null : (x.data as Float32Array), w === null ? null : (w.data as Float32Array), gd, dx, dw, db, geo, up);
    let dbT: Tensor | null = null;
    if (db !== null) {
      const r = allocStorageToFill("float32", O);
      r.set(db);
      dbT = new Tensor(r, [O]);
    }
    return [dx === null ? null : new Tensor(dx, input.shape), dw === null ? null : new Tensor(dw, weight.shape), dbT];
  });
}

const NO_EPILOGUE: ConvEpilogue = { kind: "none" };

/**
 * The reference: im2col and a product per image, every sum in float64 and rounded once to the
 * result's dtype (the "js" backend, and float64 everywhere).
 */
function convGeneral(input: Tensor, weight: Tensor, b: Tensor | null, geo: ConvGeometry): Tensor {
  const { N, C, H, W, O, kh, kw, Ho, Wo } = geo;
  const K = C * kh * kw;
  const L = Ho * Wo;
  let dtype = promoteTypes(input.dtype, weight.dtype);
  if (b !== null) dtype = promoteTypes(dtype, b.dtype);
  const cols = new Float64Array(K * L);
  const acc = new Float64Array(N * O * L);
  const wd = weight.data;
  for (let n = 0; n < N; n++) {
    im2col(input.data, n * C * H * W, geo, cols);
    if (b !== null) for (let o = 0; o < O; o++) acc.fill(b.data[o]!, (n * O + o) * L, (n * O + o + 1) * L);
    gemm(wd, 0, cols, 0, acc, n * O * L, O, K, L, false, false);
  }
  const outData = allocStorage(dtype, acc.length);
  outData.set(acc);
  const out = new Tensor(outData, [N, O, Ho, Wo]);
  const inputs = b === null ? [input, weight] : [input, weight, b];
  if (!needsGraph(...inputs)) return out;
  const x = input.detach();
  const w = weight.detach();
  return recordOp(out, "ConvolutionBackward0", inputs, [x, w], (g, needs) => {
    const gd = g.data;
    const dW = needs[1] ? new Float64Array(O * K) : null;
    const dX = needs[0] ? new Float64Array(N * C * H * W) : null;
    const colsB = new Float64Array(K * L);
    const dCols = dX !== null ? new Float64Array(K * L) : null;
    for (let n = 0; n < N; n++) {
      if (dW !== null) {
        im2col(x.data, n * C * H * W, geo, colsB);
        // dW += g[n] (O x L) @ cols[n]ᵀ (L x K)
        gemm(gd, n * O * L, colsB, 0, dW, 0, O, L, K, false, true);
      }
      if (dX !== null && dCols !== null) {
        // dCols = Wᵀ (K x O) @ g[n] (O x L), then scattered back to the input.
        dCols.fill(0);
        gemm(w.data, 0, gd, n * O * L, dCols, 0, K, O, L, true, false);
        col2im(dCols, geo, dX, n * C * H * W);
      }
    }
    const rounded = (data: Float64Array | null, shape: readonly number[]): Tensor | null => {
      if (data === null) return null;
      const r = allocStorage(g.dtype, data.length);
      r.set(data);
      return new Tensor(r, shape);
    };
    let dB: Float64Array | null = null;
    if (needs[2]) {
      dB = new Float64Array(O);
      for (let o = 0; o < O; o++) {
        let s = 0;
        for (let n = 0; n < N; n++) for (let j = (n * O + o) * L, end = j + L; j < end; j++) s += gd[j]!;
        dB[o] = s;
      }
    }
    return [rounded(dX, input.shape), rounded(dW, weight.shape), rounded(dB, [O])];
  });
}

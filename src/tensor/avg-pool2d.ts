// 2-D average pooling, fixed windows (avgPool2d) and windows that tile the input to a requested output
// size (adaptiveAvgPool2d): each output is the mean of its window, and backward spreads the output's
// gradient evenly over the window.
import { needsGraph, recordOp } from "./autograd.js";
import { allocStorage } from "./dtype.js";
import { ArgumentError, ShapeError } from "./errors.js";
import { formatShape, shapeNumel } from "./shape.js";
import { checkFloatingArgument, pair } from "./conv2d.js";
import { Tensor } from "./tensor.js";

/** Each output's window [y0, y1) × [x0, x1) of the (unpadded) input and the divisor of its sum. */
interface Windows {
  readonly Ho: number;
  readonly Wo: number;
  readonly y0: Int32Array; readonly y1: Int32Array; readonly ydiv: Int32Array;
  readonly x0: Int32Array; readonly x1: Int32Array; readonly xdiv: Int32Array;
}

/** Sums each window of every H×W plane divided by its divisor (ydiv·xdiv), and the adjoint for backward. */
function pool(name: string, input: Tensor, w: Windows): Tensor {
  const H = input.shape[input.ndim - 2]!;
  const W = input.shape[input.ndim - 1]!;
  const planes = shapeNumel(input.shape.slice(0, -2));
  const { Ho, Wo } = w;
  const out = allocStorage(input.dtype, planes * Ho * Wo);
  const src = input.data;
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < Ho; y++) {
      for (let x = 0; x < Wo; x++) {
        let s = 0;
        for (let iy = w.y0[y]!; iy < w.y1[y]!; iy++) {
          for (let ix = w.x0[x]!, row = (p * H + iy) * W; ix < w.x1[x]!; ix++) s += src[row + ix]!;
        }
        out[(p * Ho + y) * Wo + x] = s / (w.ydiv[y]! * w.xdiv[x]!);
      }
    }
  }
  const result = new Tensor(out, [...input.shape.slice(0, -2), Ho, Wo]);
  if (!needsGraph(input)) return result;
  const inShape = input.shape;
  return recordOp(result, name, [input], [], (g) => {
    const r = allocStorage(g.dtype, shapeNumel(inShape));
    const gd = g.data;
    for (let p = 0; p < planes; p++) {
      for (let y = 0; y < Ho; y++) {
        for (let x = 0; x < Wo; x++) {
          const share = gd[(p * Ho + y) * Wo + x]! / (w.ydiv[y]! * w.xdiv[x]!);
          for (let iy = w.y0[y]!; iy < w.y1[y]!; iy++) {
            for (let ix = w.x0[x]!, row = (p * H + iy) * W; ix < w.x1[x]!; ix++) r[row + ix]! += share;
          }
        }
      }
    }
    return [new Tensor(r, inShape)];
  });
}

function checkInput(name: string, input: Tensor): void {
  if (!(input instanceof Tensor)) throw new ArgumentError(`${name}: input must be a Tensor`);
  if (input.ndim !== 4 && input.ndim !== 3) {
    throw new ShapeError(`${name}: input must be 3-D (C, H, W) or 4-D (N, C, H, W), got shape ${formatShape(input.shape)}`);
  }
  checkFloatingArgument(input, "input", name);
}

/**
 * Windows along one axis of `size`: output i starts at i·stride − pad and is `k` long, clipped to the
 * input; it divides by k clipped to the padded input (countIncludePad) or to the input.
 */
function fixedWindows(size: number, k: number, stride: number, pad: number, countIncludePad: boolean): [number, Int32Array, Int32Array, Int32Array] {
  const n = Math.floor((size + 2 * pad - k) / stride) + 1;
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const div = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const start = i * stride - pad;
    const end = Math.min(start + k, size + pad);
    lo[i] = Math.max(start, 0);
    hi[i] = Math.min(end, size);
    div[i] = countIncludePad ? end - start : hi[i]! - lo[i]!;
  }
  return [n, lo, hi, div];
}

/** Options of avgPool2d beyond the window, as PyTorch's `count_include_pad` and `divisor_override`. */
export interface AvgPool2dOptions {
  /** Divide by the whole window, padding included (PyTorch's default), or only by the input it covers. */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead. */
  divisorOverride?: number | null;
}

/**
 * avgPool2d(input[N,C,H,W] or [C,H,W], kernelSize, stride = kernelSize, padding = 0):
 * out[n,c,y,x] = Σ window / (kh·kw), the window starting at (y·sh − ph, x·sw − pw), zeros outside.
 */
export function avgPool2d(
  input: Tensor,
  kernelSize: number | readonly [number, number],
  stride?: number | readonly [number, number] | null,
  padding: number | readonly [number, number] = 0,
  { countIncludePad = true, divisorOverride = null }: AvgPool2dOptions = {},
): Tensor {
  checkInput("avgPool2d", input);
  const [kh, kw] = pair(kernelSize, "kernelSize", "avgPool2d", 1);
  const [sh, sw] = pair(stride ?? [kh, kw], "stride", "avgPool2d", 1);
  const [ph, pw] = pair(padding, "padding", "avgPool2d", 0);
  if (2 * ph > kh || 2 * pw > kw) throw new ShapeError(`avgPool2d: pad should be at most half of kernel size, got padding ${ph}x${pw} and kernel ${kh}x${kw}`);
  if (divisorOverride !== null && !(Number.isInteger(divisorOverride) && divisorOverride !== 0)) {
    throw new ArgumentError(`avgPool2d: divisorOverride must be a non-zero integer or null, got ${divisorOverride}`);
  }
  const H = input.shape[input.ndim - 2]!;
  const W = input.shape[input.ndim - 1]!;
  if (H + 2 * ph < kh || W + 2 * pw < kw) {
    throw new ShapeError(`avgPool2d: kernel ${kh}x${kw} is larger than the padded input ${H + 2 * ph}x${W + 2 * pw} (input ${formatShape(input.shape)})`);
  }
  const [Ho, y0, y1, ydiv] = fixedWindows(H, kh, sh, ph, countIncludePad);
  const [Wo, x0, x1, xdiv] = fixedWindows(W, kw, sw, pw, countIncludePad);
  if (divisorOverride !== null) {
    ydiv.fill(divisorOverride);
    xdiv.fill(1);
  }
  return pool("AvgPool2DBackward0", input, { Ho, Wo, y0, y1, ydiv, x0, x1, xdiv });
}

/** Adaptive windows along one axis: output i covers [⌊i·size/n⌋, ⌈(i+1)·size/n⌉), as PyTorch. */
function adaptiveWindows(size: number, n: number): [Int32Array, Int32Array, Int32Array] {
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const div = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    lo[i] = Math.floor((i * size) / n);
    hi[i] = Math.ceil(((i + 1) * size) / n);
    div[i] = hi[i]! - lo[i]!;
  }
  return [lo, hi, div];
}

/**
 * adaptiveAvgPool2d(input[N,C,H,W] or [C,H,W], outputSize): the mean over windows that tile the input
 * into outputSize (a number, or [h, w] where null keeps the input's size), e.g. 1 for global pooling.
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor {
  checkInput("adaptiveAvgPool2d", input);
  const H = input.shape[input.ndim - 2]!;
  const W = input.shape[input.ndim - 1]!;
  const sizes = typeof outputSize === "number" ? [outputSize, outputSize] : [...outputSize];
  const [Ho, Wo] = sizes.map((s, i) => (s === null ? [H, W][i]! : s)) as [number, number];
  if (sizes.length !== 2 || ![Ho, Wo].every((s) => Number.isInteger(s) && s >= 1)) {
    throw new ArgumentError(`adaptiveAvgPool2d: outputSize must be a positive integer or a pair of them (or null), got ${JSON.stringify(outputSize)}`);
  }
  if (H === 0 || W === 0) throw new ShapeError(`adaptiveAvgPool2d: input has an empty plane, shape ${formatShape(input.shape)}`);
  const [y0, y1, ydiv] = adaptiveWindows(H, Ho);
  const [x0, x1, xdiv] = adaptiveWindows(W, Wo);
  return pool("AdaptiveAvgPool2DBackward0", input, { Ho, Wo, y0, y1, ydiv, x0, x1, xdiv });
}

// 2-D max pooling; the gradient of each window goes to the position that held its max. float32 on the
// "wasm" backend runs in the SIMD module, the rest in the reference loops.
import { needsGraph, recordOp } from "./autograd.js";
import { allocStorage, allocStorageToFill, type Storage } from "./dtype.js";
import { useWasm } from "./kernels/backend.js";
import { wasmMaxPool, wasmMaxPoolBackward, type PoolGeometry } from "./kernels/wasm-conv.js";
import { ShapeError } from "./errors.js";
import { formatShape, shapeNumel } from "./shape.js";
import { checkFloatingArgument, pair } from "./conv2d.js";
import { Tensor } from "./tensor.js";

/**
 * maxPool2d(input[N,C,H,W] or [C,H,W], kernelSize, stride = kernelSize, padding = 0):
 * out[n,c,y,x] = max over the window starting at (y·sh - ph, x·sw - pw).
 */
export function maxPool2d(
  input: Tensor,
  kernelSize: number | readonly [number, number],
  stride?: number | readonly [number, number] | null,
  padding: number | readonly [number, number] = 0,
): Tensor {
  checkFloatingArgument(input, "input", "maxPool2d");
  const geo = poolGeometry(input.shape, kernelSize, stride, padding);
  const { planes, Ho, Wo } = geo;
  const out = allocStorageToFill(input.dtype, planes * Ho * Wo);
  const argmax = new Int32Array(planes * Ho * Wo);
  const fast = out instanceof Float32Array && input.data instanceof Float32Array && useWasm();
  if (fast) wasmMaxPool(input.data as Float32Array, out, argmax, geo);
  else maxPoolReference(input.data, out, argmax, geo);
  const outShape = [...input.shape.slice(0, -2), Ho, Wo];
  const result = new Tensor(out, outShape);
  if (!needsGraph(input)) return result;
  const inShape = input.shape;
  return recordOp(result, "MaxPool2DWithIndicesBackward0", [input], [argmax], (g) => {
    const gd = g.data;
    if (gd instanceof Float32Array && useWasm()) {
      const r = allocStorageToFill("float32", shapeNumel(inShape)) as Float32Array;
      wasmMaxPoolBackward(gd, argmax, r);
      return [new Tensor(r, inShape)];
    }
    const r = allocStorage(g.dtype, shapeNumel(inShape));
    for (let k = 0; k < gd.length; k++) r[argmax[k]!]! += gd[k]!;
    return [new Tensor(r, inShape)];
  });
}

/** @internal Checks maxPool2d's arguments against the input's shape; returns the window geometry. */
export function poolGeometry(
  shape: readonly number[],
  kernelSize: number | readonly [number, number],
  stride: number | readonly [number, number] | null | undefined,
  padding: number | readonly [number, number],
): PoolGeometry {
  if (shape.length !== 4 && shape.length !== 3) {
    throw new ShapeError(`maxPool2d: input must be 3-D or 4-D (N, C, H, W), got shape ${formatShape(shape)}`);
  }
  const [kh, kw] = pair(kernelSize, "kernelSize", "maxPool2d", 1);
  const [sh, sw] = pair(stride ?? [kh, kw], "stride", "maxPool2d", 1);
  const [ph, pw] = pair(padding, "padding", "maxPool2d", 0);
  if (2 * ph > kh || 2 * pw > kw) throw new ShapeError(`maxPool2d: padding should be at most half of kernel size, got padding ${ph}x${pw} and kernel ${kh}x${kw}`);
  const H = shape[shape.length - 2]!;
  const W = shape[shape.length - 1]!;
  const planes = shapeNumel(shape.slice(0, -2));
  const Ho = Math.floor((H + 2 * ph - kh) / sh) + 1;
  const Wo = Math.floor((W + 2 * pw - kw) / sw) + 1;
  if (Ho <= 0 || Wo <= 0) {
    throw new ShapeError(`maxPool2d: kernel ${kh}x${kw} is larger than the padded input ${H + 2 * ph}x${W + 2 * pw} (input ${formatShape(shape)})`);
  }
  return { planes, H, W, kh, kw, sh, sw, ph, pw, Ho, Wo };
}

/**
 * The reference loops: for each window, scanning rows then columns, an element replaces the best so
 * far when it is greater or NaN (PyTorch's rule: ties keep the first, the last NaN wins).
 */
function maxPoolReference(src: Storage, out: Storage, argmax: Int32Array, geo: PoolGeometry): void {
  const { planes, H, W, kh, kw, sh, sw, ph, pw, Ho, Wo } = geo;
  for (let p = 0; p < planes; p++) {
    const inOff = p * H * W;
    for (let y = 0; y < Ho; y++) {
      const y0 = Math.max(y * sh - ph, 0);
      const y1 = Math.min(y * sh - ph + kh, H);
      for (let x = 0; x < Wo; x++) {
        const x0 = Math.max(x * sw - pw, 0);
        const x1 = Math.min(x * sw - pw + kw, W);
        let best = -Infinity;
        let bi = inOff + y0 * W + x0;
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            const v = src[inOff + iy * W + ix]!;
            if (v > best || Number.isNaN(v)) {
              best = v;
              bi = inOff + iy * W + ix;
            }
          }
        }
        const k = (p * Ho + y) * Wo + x;
        out[k] = best;
        argmax[k] = bi;
      }
    }
  }
}

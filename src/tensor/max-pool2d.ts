// 2-D max pooling; the gradient of each window goes to the position that held its max.
import { needsGraph, recordOp } from "./autograd.js";
import { allocStorage } from "./dtype.js";
import { ShapeError } from "./errors.js";
import { formatShape, shapeNumel } from "./shape.js";
import { pair } from "./conv2d.js";
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
  if (input.ndim !== 4 && input.ndim !== 3) {
    throw new ShapeError(`maxPool2d: input must be 3-D or 4-D (N, C, H, W), got shape ${formatShape(input.shape)}`);
  }
  const [kh, kw] = pair(kernelSize, "kernelSize", "maxPool2d", 1);
  const [sh, sw] = pair(stride ?? [kh, kw], "stride", "maxPool2d", 1);
  const [ph, pw] = pair(padding, "padding", "maxPool2d", 0);
  if (2 * ph > kh || 2 * pw > kw) throw new ShapeError(`maxPool2d: padding should be at most half of kernel size, got padding ${ph}x${pw} and kernel ${kh}x${kw}`);
  const H = input.shape[input.ndim - 2]!;
  const W = input.shape[input.ndim - 1]!;
  const planes = shapeNumel(input.shape.slice(0, -2));
  const Ho = Math.floor((H + 2 * ph - kh) / sh) + 1;
  const Wo = Math.floor((W + 2 * pw - kw) / sw) + 1;
  if (Ho <= 0 || Wo <= 0) {
    throw new ShapeError(`maxPool2d: kernel ${kh}x${kw} is larger than the padded input ${H + 2 * ph}x${W + 2 * pw} (input ${formatShape(input.shape)})`);
  }
  const out = allocStorage(input.dtype, planes * Ho * Wo);
  const argmax = new Int32Array(planes * Ho * Wo);
  const src = input.data;
  for (let p = 0; p < planes; p++) {
    const inOff = p * H * W;
    for (let y = 0; y < Ho; y++) {
      for (let x = 0; x < Wo; x++) {
        let best = -Infinity;
        let bi = -1;
        for (let i = 0; i < kh; i++) {
          const iy = y * sh - ph + i;
          if (iy < 0 || iy >= H) continue;
          for (let j = 0; j < kw; j++) {
            const ix = x * sw - pw + j;
            if (ix < 0 || ix >= W) continue;
            const v = src[inOff + iy * W + ix]!;
            if (v > best || Number.isNaN(v) || bi < 0) {
              best = v;
              bi = inOff + iy * W + ix;
              if (Number.isNaN(v)) break;
            }
          }
        }
        const k = (p * Ho + y) * Wo + x;
        out[k] = best;
        argmax[k] = bi;
      }
    }
  }
  const outShape = [...input.shape.slice(0, -2), Ho, Wo];
  const result = new Tensor(out, outShape);
  if (!needsGraph(input)) return result;
  const inShape = input.shape;
  return recordOp(result, "MaxPool2DWithIndicesBackward0", [input], [argmax], (g) => {
    const r = allocStorage(g.dtype, shapeNumel(inShape));
    const gd = g.data;
    for (let k = 0; k < gd.length; k++) r[argmax[k]!]! += gd[k]!;
    return [new Tensor(r, inShape)];
  });
}

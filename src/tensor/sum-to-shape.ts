// Broadcasting in one place: expanding a tensor to a larger shape, and summing a gradient back down.
import { allocStorage, type DType } from "./dtype.js";
import { ShapeError } from "./errors.js";
import { broadcastIndex, broadcastsTo, formatShape, shapeNumel, shapesEqual, type Shape } from "./shape.js";
import { Tensor } from "./tensor.js";

/**
 * Sums `grad` over the dims along which `shape` was broadcast, giving a tensor of `shape`
 * (the backward of broadcasting, used by the engine for every op's input gradients).
 */
export function sumToShape(grad: Tensor, shape: Shape, op = "sumToShape"): Tensor {
  if (shapesEqual(grad.shape, shape)) return grad;
  if (!broadcastsTo(shape, grad.shape)) {
    throw new ShapeError(`${op}: gradient of shape ${formatShape(grad.shape)} cannot be summed to input shape ${formatShape(shape)}`);
  }
  const acc = sumToShapeRaw(grad, shape);
  const out = allocStorage(grad.dtype, acc.length);
  out.set(acc);
  return new Tensor(out, shape);
}

/** Sums `t` down to `shape` (a shape it broadcasts from), accumulating in float64. */
export function sumToShapeRaw(t: Tensor, shape: Shape): Float64Array {
  const n = shapeNumel(shape);
  const acc = new Float64Array(n);
  const src = t.data;
  if (n === 1) {
    let s = 0;
    for (let i = 0; i < src.length; i++) s += src[i]!;
    acc[0] = s;
  } else {
    const idx = broadcastIndex(t.shape, shape);
    for (let i = 0; i < src.length; i++) acc[idx[i]!]! += src[i]!;
  }
  return acc;
}

/** Materialises `t` broadcast to `shape` (no graph). */
export function broadcastTo(t: Tensor, shape: Shape, op = "expand"): Tensor {
  if (shapesEqual(t.shape, shape)) return t;
  if (!broadcastsTo(t.shape, shape)) {
    throw new ShapeError(`${op}: shape ${formatShape(t.shape)} cannot be broadcast to ${formatShape(shape)}`);
  }
  const n = shapeNumel(shape);
  const out = allocStorage(t.dtype, n);
  const src = t.data;
  if (t.numel === 1) out.fill(src[0]!);
  else {
    const idx = broadcastIndex(shape, t.shape);
    for (let i = 0; i < n; i++) out[i] = src[idx[i]!]!;
  }
  return new Tensor(out, shape);
}

/** `t` in `dtype` (the same tensor when it already is; a detached copy otherwise). */
export function castTo(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  const out = allocStorage(dtype, t.numel);
  out.set(t.data);
  return new Tensor(out, t.shape);
}

// Broadcasting in one place: expanding a tensor to a larger shape, and summing a gradient back down.
import { allocStorage, castStorage, type DType } from "./dtype.js";
import { ShapeError } from "./errors.js";
import { broadcastIndex, broadcastsTo, formatShape, shapeNumel, shapesEqual, type Shape } from "./shape.js";
import { Tensor } from "./tensor.js";
import { wasmWorthIt } from "./kernels/backend.js";
import { wasmSumRows } from "./kernels/wasm.js";

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
  if (n === 0) return acc;
  const layout = n === 1 ? null : blockLayout(t.shape, shape);
  if (n === 1) {
    let s = 0;
    for (let i = 0; i < src.length; i++) s += src[i]!;
    acc[0] = s;
  } else if (layout === "suffix") {
    // shape is a trailing block of t.shape (a bias summed over the batch): add the rows together.
    if (src instanceof Float32Array && wasmWorthIt(src.length)) wasmSumRows(src, acc);
    else for (let i = 0; i < src.length; i += n) for (let j = 0; j < n; j++) acc[j]! += src[i + j]!;
  } else if (layout === "prefix") {
    // shape is t.shape with trailing dims set to 1 (a sum over the last dims): contiguous blocks.
    const m = src.length / n;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = j * m; i < (j + 1) * m; i++) s += src[i]!;
      acc[j] = s;
    }
  } else {
    const idx = broadcastIndex(t.shape, shape);
    for (let i = 0; i < src.length; i++) acc[idx[i]!]! += src[i]!;
  }
  return acc;
}

/**
 * How `small` (a shape that broadcasts to `big`) sits in `big` flattened: "suffix" when it is a trailing
 * block (leading dims broadcast), "prefix" when it is `big` with trailing dims set to 1, else null.
 */
export function blockLayout(big: Shape, small: Shape): "suffix" | "prefix" | null {
  const off = big.length - small.length;
  if (off < 0) return null;
  let d = 0;
  while (d < small.length && small[d] === 1) d++;
  let suffix = true;
  for (let k = d; k < small.length; k++) if (small[k] !== big[k + off]) suffix = false;
  if (suffix) return "suffix";
  if (off !== 0) return null;
  let e = small.length;
  while (e > 0 && small[e - 1] === 1) e--;
  for (let k = 0; k < e; k++) if (small[k] !== big[k]) return null;
  return "prefix";
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
  const layout = t.numel() === 1 ? null : blockLayout(shape, t.shape);
  if (t.numel() === 1) out.fill(src[0]!);
  else if (layout === "suffix" && src.length > 0) {
    // t is a trailing block of shape: tile it.
    for (let i = 0; i < n; i += src.length) out.set(src, i);
  } else if (layout === "prefix") {
    // t is shape with trailing dims of 1: repeat each value over a contiguous block.
    const m = n / src.length;
    for (let j = 0; j < src.length; j++) out.fill(src[j]!, j * m, (j + 1) * m);
  } else {
    const idx = broadcastIndex(shape, t.shape);
    for (let i = 0; i < n; i++) out[i] = src[idx[i]!]!;
  }
  return new Tensor(out, shape);
}

/** `t` in `dtype` (the same tensor when it already is; a detached copy otherwise, converted as `castValue`). */
export function castTo(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  return new Tensor(castStorage(t.data, dtype), t.shape);
}

// Choosing elements by a condition: where(condition, x, y) and x.maskedFill(mask, value), the
// attention mask of a transformer (`value` -Infinity gives 0 after softmax, and a 0 gradient, no NaN).
import { DIFFERENTIABLE, needsGraph, recordOp } from "./autograd.js";
import { isGradEnabled } from "./grad-mode.js";
import { allocStorage, allocStorageToFill, castValue, isFloatingDType, resultType, type DType, type Storage } from "./dtype.js";
import { ArgumentError, DTypeError, ShapeError } from "./errors.js";
import { broadcastIndex, broadcastShapes, formatShape, shapesEqual } from "./shape.js";
import { Tensor } from "./tensor.js";

function checkOperand(v: unknown, op: string, arg: string): void {
  if (typeof v === "number" || v instanceof Tensor) return;
  throw new ArgumentError(`${op}: ${arg} must be a Tensor or a number, got ${v === null ? "null" : typeof v}`);
}

/** Per output element: whether the condition holds (nonzero), with the output's shape. */
function conditionOf(condition: Tensor, shape: readonly number[]): Uint8Array {
  const idx = broadcastIndex(shape, condition.shape);
  const c = condition.data;
  const out = new Uint8Array(idx.length);
  // NaN counts as set, as converting it to bool does.
  for (let i = 0; i < idx.length; i++) out[i] = c[idx[i]!] !== 0 ? 1 : 0;
  return out;
}

/** A number or a tensor's values read at each output position. */
function reader(v: Tensor | number, shape: readonly number[]): (i: number) => number {
  if (typeof v === "number") return () => v;
  const d = v.data;
  if (shapesEqual(v.shape, shape)) return (i) => d[i]!;
  const idx = broadcastIndex(shape, v.shape);
  return (i) => d[idx[i]!]!;
}

/** The gradient `g` where `keep[i] === want`, 0 elsewhere (a mask, so -Infinity values never make NaN). */
function maskedGrad(g: Tensor, keep: Uint8Array, want: number): Tensor {
  // Under createGraph: the same choice as a recorded op (whose own backward is this choice again).
  if (isGradEnabled()) return want === 1 ? choose(keep, g.shape, g, 0, g.dtype, "WhereBackward0") : choose(keep, g.shape, 0, g, g.dtype, "WhereBackward0");
  const gd = g.data;
  const r: Storage = allocStorage(g.dtype, gd.length);
  for (let i = 0; i < gd.length; i++) if (keep[i] === want) r[i] = gd[i]!;
  return new Tensor(r, g.shape);
}

/** out = x where keep, else y (each already broadcastable to `shape`), as one graph node named `node`. */
function choose(keep: Uint8Array, shape: readonly number[], x: Tensor | number, y: Tensor | number, dtype: DType, node: string): Tensor {
  const rx = reader(x, shape);
  const ry = reader(y, shape);
  const out = allocStorageToFill(dtype, keep.length);
  for (let i = 0; i < out.length; i++) out[i] = keep[i] ? rx(i) : ry(i);
  const result = new Tensor(out, shape);
  const inputs = [x, y].filter((t): t is Tensor => t instanceof Tensor);
  if (!needsGraph(...inputs)) return result;
  return recordOp(result, node, inputs, [keep], (g) => {
    const grads: Tensor[] = [];
    if (x instanceof Tensor) grads.push(maskedGrad(g, keep, 1));
    if (y instanceof Tensor) grads.push(maskedGrad(g, keep, 0));
    return grads;
  }, DIFFERENTIABLE);
}

/**
 * out = x where condition (nonzero) else y, broadcasting all three; d/dx = [condition], d/dy = [not condition].
 * As PyTorch's `torch.where(condition, x, y)`.
 */
export function where(condition: Tensor, x: Tensor | number, y: Tensor | number): Tensor {
  if (!(condition instanceof Tensor)) throw new ArgumentError(`where: condition must be a Tensor, got ${typeof condition}`);
  checkOperand(x, "where", "input");
  checkOperand(y, "where", "other");
  let shape = [...condition.shape];
  if (x instanceof Tensor) shape = broadcastShapes(shape, x.shape, "where");
  if (y instanceof Tensor) shape = broadcastShapes(shape, y.shape, "where");
  // PyTorch's result type: where(c, intTensor, 0.5) is float32, where(c, 1, 0) is int64.
  return choose(conditionOf(condition, shape), shape, x, y, resultType(x, y), "WhereBackward0");
}

/** `value` where `mask` is set (nonzero; broadcast to x's shape), x elsewhere; d/dx = [not mask]. */
export function maskedFill(a: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  if (!(mask instanceof Tensor)) throw new ArgumentError(`maskedFill: mask must be a Tensor, got ${typeof mask}`);
  let v = value;
  if (v instanceof Tensor) {
    if (v.ndim !== 0) throw new ArgumentError(`maskedFill: value must be a number or a 0-d tensor, got a tensor of shape ${formatShape(v.shape)}`);
    v = v.item();
  }
  if (typeof v !== "number") throw new ArgumentError(`maskedFill: value must be a number or a 0-d tensor, got ${typeof v}`);
  if (!isFloatingDType(a.dtype)) {
    // As PyTorch: the value is converted to the tensor's dtype, and must fit it.
    if (!Number.isFinite(v) && a.dtype !== "bool") throw new DTypeError(`maskedFill: value ${v} cannot be converted to ${a.dtype} without overflow`);
    v = castValue(v, a.dtype);
  }
  if (!shapesEqual(broadcastShapes(a.shape, mask.shape, "maskedFill"), a.shape)) {
    throw new ShapeError(`maskedFill: mask of shape ${formatShape(mask.shape)} does not broadcast to the input's shape ${formatShape(a.shape)}`);
  }
  return choose(conditionOf(mask, a.shape), a.shape, v, a, a.dtype, "MaskedFillBackward0");
}

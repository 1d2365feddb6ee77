// Reductions: sum, mean, max/min (with indices along a dim), argmax.
import { DIFFERENTIABLE, needsGraph, recordOp, scatteredGrad } from "./autograd.js";
import { isGradEnabled } from "./grad-mode.js";
import { allocStorage, isFloatingDType } from "./dtype.js";
import { ArgumentError, DTypeError } from "./errors.js";
import { normalizeDim, shapeNumel } from "./shape.js";
import { broadcastTo, castTo, sumToShapeRaw } from "./sum-to-shape.js";
import { Tensor } from "./tensor.js";

/** `max(dim)` / `min(dim)` result, as PyTorch's named tuple. */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

interface Reduction {
  /** Shape with reduced dims kept as 1. */
  keepShape: number[];
  /** Shape of the result (keepShape without the reduced dims unless keepdim). */
  outShape: number[];
  count: number;
}

function planReduction(a: Tensor, dim: number | readonly number[] | undefined, keepdim: boolean, op: string): Reduction {
  const dims = new Set<number>();
  if (dim === undefined || dim === null) for (let d = 0; d < a.ndim; d++) dims.add(d);
  else for (const d of typeof dim === "number" ? [dim] : dim) dims.add(normalizeDim(d, a.ndim, op));
  const keepShape = a.shape.map((s, d) => (dims.has(d) ? 1 : s));
  const outShape = keepdim ? keepShape : a.shape.filter((_, d) => !dims.has(d));
  let count = 1;
  for (const d of dims) if (d < a.ndim) count *= a.shape[d]!;
  return { keepShape, outShape, count };
}

/** Sums `a` down to `keepShape` (float64 accumulation), times `scale`. */
function reduceSum(a: Tensor, keepShape: readonly number[], scale: number): Float64Array {
  const acc = sumToShapeRaw(a, keepShape);
  if (scale !== 1) for (let i = 0; i < acc.length; i++) acc[i]! *= scale;
  return acc;
}

function fromAcc(a: Tensor, acc: Float64Array, shape: readonly number[]): Tensor {
  const out = allocStorage(a.dtype, acc.length);
  out.set(acc);
  return new Tensor(out, shape);
}

/** Float values of an integer or bool tensor (so the summing loops only see floats); `a` itself otherwise. */
function floatValues(a: Tensor): Tensor {
  return isFloatingDType(a.dtype) ? a : castTo(a, "float64");
}

/** Sum over `dim` (all dims when omitted); integers and bools sum to int64, as in PyTorch. */
export function sum(a: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  const plan = planReduction(a, dim, keepdim, "sum");
  if (!isFloatingDType(a.dtype)) return castTo(sum(floatValues(a), dim, keepdim), "int64");
  const out = fromAcc(a, reduceSum(a, plan.keepShape, 1), plan.outShape);
  const inShape = a.shape;
  return recordOp(out, dim === undefined ? "SumBackward0" : "SumBackward1", [a], [], (g) => [
    g.reshape(plan.keepShape).expand(inShape),
  ], DIFFERENTIABLE);
}

/** Mean over `dim` (all dims when omitted). */
export function mean(a: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  checkFloating(a, "mean");
  const plan = planReduction(a, dim, keepdim, "mean");
  const out = fromAcc(a, reduceSum(a, plan.keepShape, 1 / plan.count), plan.outShape);
  const inShape = a.shape;
  return recordOp(out, dim === undefined ? "MeanBackward0" : "MeanBackward1", [a], [], (g) => [
    g.reshape(plan.keepShape).expand(inShape).mul(1 / plan.count),
  ], DIFFERENTIABLE);
}

/** PyTorch's refusal to average integers: the caller converts (`x.float().mean()`). */
export function checkFloating(a: Tensor, op: string): void {
  if (!isFloatingDType(a.dtype)) {
    throw new DTypeError(`${op}: could not infer output dtype: input dtype must be a floating point dtype, got ${a.dtype} (convert with .float() first, e.g. x.float().${op}())`);
  }
}

/** Splits `shape` around `d` into (outer, size, inner) for strided loops along one dim. */
export function aroundDim(shape: readonly number[], d: number): { outer: number; size: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < d; i++) outer *= shape[i]!;
  for (let i = d + 1; i < shape.length; i++) inner *= shape[i]!;
  return { outer, size: shape.length === 0 ? 1 : shape[d]!, inner };
}

/** Best value and its first index along `d`; `sign` 1 for max, -1 for min. NaN wins, as in PyTorch. */
function extremeAlong(a: Tensor, d: number, sign: number, op: string): { values: Float64Array; indices: Int32Array } {
  const { outer, size, inner } = aroundDim(a.shape, d);
  if (size === 0) throw new ArgumentError(`${op}: cannot reduce over dim ${d} of size 0`);
  const values = new Float64Array(outer * inner);
  const indices = new Int32Array(outer * inner);
  const x = floatValues(a).data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let best = x[base]!;
      let bi = 0;
      if (!Number.isNaN(best)) {
        for (let k = 1; k < size; k++) {
          const v = x[base + k * inner]!;
          if (Number.isNaN(v)) {
            best = v;
            bi = k;
            break;
          }
          if (sign * v > sign * best) {
            best = v;
            bi = k;
          }
        }
      }
      values[o * inner + i] = best;
      indices[o * inner + i] = bi;
    }
  }
  return { values, indices };
}

function extreme(a: Tensor, dim: number | undefined, keepdim: boolean, sign: number, op: string): Tensor | ValuesIndices {
  if (dim === undefined) {
    if (a.numel() === 0) throw new ArgumentError(`${op}: cannot reduce an empty tensor without a dim`);
    const flat = extremeAlong(a.detach().reshape(a.numel()), 0, sign, op);
    const best = flat.values[0]!;
    const out = fromAcc(a, flat.values, []);
    if (!needsGraph(a)) return out;
    const x = a.detach();
    // The gradient is shared evenly among all positions holding the extreme, as PyTorch's max().
    return recordOp(out, sign > 0 ? "MaxBackward1" : "MinBackward1", [a], [x], (g) => {
      const r = allocStorage(g.dtype, x.numel());
      let ties = 0;
      for (let i = 0; i < x.numel(); i++) if (x.data[i] === best || (Number.isNaN(best) && Number.isNaN(x.data[i]!))) ties++;
      if (isGradEnabled()) {
        // Under createGraph: the same share, g / ties, times a constant 0/1 mask, as recorded ops.
        for (let i = 0; i < x.numel(); i++) if (x.data[i] === best || (Number.isNaN(best) && Number.isNaN(x.data[i]!))) r[i] = 1;
        return [g.div(ties).mul(new Tensor(r, x.shape))];
      }
      const share = g.data[0]! / ties;
      for (let i = 0; i < x.numel(); i++) if (x.data[i] === best || (Number.isNaN(best) && Number.isNaN(x.data[i]!))) r[i] = share;
      return [new Tensor(r, x.shape)];
    }, DIFFERENTIABLE);
  }
  const d = normalizeDim(dim, a.ndim, op);
  const plan = planReduction(a, d, keepdim, op);
  const { values, indices } = extremeAlong(a, d, sign, op);
  const idxData = allocStorage("int64", indices.length);
  idxData.set(indices);
  const idxTensor = new Tensor(idxData, plan.outShape);
  const out = fromAcc(a, values, plan.outShape);
  if (!needsGraph(a)) return { values: out, indices: idxTensor };
  const inShape = a.shape;
  recordOp(out, sign > 0 ? "MaxBackward0" : "MinBackward0", [a], [indices], (g) => {
    const { outer, size, inner } = aroundDim(inShape, d);
    const r = allocStorage(g.dtype, shapeNumel(inShape));
    const gd = g.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const j = o * inner + i;
        r[o * size * inner + indices[j]! * inner + i] = gd[j]!;
      }
    }
    const pick = (gg: Tensor): Tensor => gg.gather(d, idxTensor.reshape(plan.keepShape)).reshape(plan.outShape);
    return [scatteredGrad(new Tensor(r, inShape), g, "ValueSelectingReductionBackwardBackward0", pick)];
  }, DIFFERENTIABLE);
  return { values: out, indices: idxTensor };
}

/** Largest element (no dim), or `{ values, indices }` along `dim`. */
export function max(a: Tensor): Tensor;
export function max(a: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(a: Tensor, dim?: number, keepdim?: boolean): Tensor | ValuesIndices;
export function max(a: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return extreme(a, dim, keepdim, 1, "max");
}

/** Smallest element (no dim), or `{ values, indices }` along `dim`. */
export function min(a: Tensor): Tensor;
export function min(a: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(a: Tensor, dim?: number, keepdim?: boolean): Tensor | ValuesIndices;
export function min(a: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return extreme(a, dim, keepdim, -1, "min");
}

/** Index of the largest element (flat index without dim), as int64; never part of a graph. */
export function argmax(a: Tensor, dim?: number, keepdim = false): Tensor {
  if (a.dtype === "bool") throw new DTypeError("argmax: not implemented for bool tensors; convert with .long() first");
  if (dim === undefined) {
    if (a.numel() === 0) throw new ArgumentError("argmax: cannot reduce an empty tensor without a dim");
    const { indices } = extremeAlong(a.detach().reshape(a.numel()), 0, 1, "argmax");
    const out = allocStorage("int64", 1);
    out[0] = indices[0]!;
    return new Tensor(out, keepdim ? a.shape.map(() => 1) : []);
  }
  const d = normalizeDim(dim, a.ndim, "argmax");
  const plan = planReduction(a, d, keepdim, "argmax");
  const { indices } = extremeAlong(a, d, 1, "argmax");
  const out = allocStorage("int64", indices.length);
  out.set(indices);
  return new Tensor(out, plan.outShape);
}

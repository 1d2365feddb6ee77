// softmax and logSoftmax along a dim, with the max subtracted so large logits stay finite.
import { DIFFERENTIABLE, needsGraph, recordOp } from "./autograd.js";
import { isGradEnabled } from "./grad-mode.js";
import { allocStorage, allocStorageToFill, DEFAULT_DTYPE, isFloatingDType, type DType, type Storage } from "./dtype.js";
import { castTo } from "./sum-to-shape.js";
import { normalizeDim, type Shape } from "./shape.js";
import { aroundDim, checkFloating } from "./reduce.js";
import { Tensor } from "./tensor.js";

/** Calls `fn(base, size, stride)` once per line along dim `d`: the line is base + k·stride, k < size. */
function forEachLine(shape: Shape, d: number, fn: (base: number, size: number, stride: number) => void): void {
  const { outer, size, inner } = aroundDim(shape, d);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) fn(o * size * inner + i, size, inner);
}

/** log Σ_k exp(x[base + k·stride]) = m + log Σ exp(x − m), m the line's max (−Infinity for an all −Infinity line). */
function lineLogSumExp(x: Storage, base: number, size: number, stride: number): number {
  let m = -Infinity;
  for (let k = 0; k < size; k++) {
    const v = x[base + k * stride]!;
    if (v > m || Number.isNaN(v)) m = v;
  }
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let k = 0; k < size; k++) s += Math.exp(x[base + k * stride]! - m);
  return m + Math.log(s);
}

function forward(a: Tensor, d: number, takeLog: boolean): Tensor {
  const x = a.data;
  const out = allocStorageToFill(a.dtype, a.numel());
  forEachLine(a.shape, d, (base, size, stride) => {
    const lse = lineLogSumExp(x, base, size, stride);
    if (takeLog) for (let k = 0; k < size; k++) out[base + k * stride] = x[base + k * stride]! - lse;
    else for (let k = 0; k < size; k++) out[base + k * stride] = Math.exp(x[base + k * stride]! - lse);
  });
  return new Tensor(out, a.shape);
}

/** softmax(x)_k = e^(x_k - m) / Σ_j e^(x_j - m); backward: y ⊙ (g - Σ g⊙y). */
export function softmax(a: Tensor, dim: number): Tensor {
  checkFloating(a, "softmax");
  const d = normalizeDim(dim, a.ndim, "softmax");
  const out = forward(a, d, false);
  if (!needsGraph(a)) return out;
  const y = out;
  return recordOp(out, "SoftmaxBackward0", [a], [y], (g) => {
    if (isGradEnabled()) return [y.mul(g.sub(g.mul(y).sum(d, true)))];
    const r = allocStorage(g.dtype, g.numel());
    const gd = g.data;
    const yd = y.data;
    forEachLine(y.shape, d, (base, size, stride) => {
      let dot = 0;
      for (let k = 0; k < size; k++) dot += gd[base + k * stride]! * yd[base + k * stride]!;
      for (let k = 0; k < size; k++) {
        const p = base + k * stride;
        r[p] = yd[p]! * (gd[p]! - dot);
      }
    });
    return [new Tensor(r, g.shape)];
  }, DIFFERENTIABLE);
}

/** logSoftmax(x)_k = x_k - m - log Σ_j e^(x_j - m); backward: g - softmax ⊙ Σ g. */
export function logSoftmax(a: Tensor, dim: number): Tensor {
  checkFloating(a, "logSoftmax");
  const d = normalizeDim(dim, a.ndim, "logSoftmax");
  const out = forward(a, d, true);
  if (!needsGraph(a)) return out;
  const y = out;
  return recordOp(out, "LogSoftmaxBackward0", [a], [y], (g) => {
    if (isGradEnabled()) return [g.sub(y.exp().mul(g.sum(d, true)))];
    const r = allocStorage(g.dtype, g.numel());
    const gd = g.data;
    const yd = y.data;
    forEachLine(y.shape, d, (base, size, stride) => {
      let total = 0;
      for (let k = 0; k < size; k++) total += gd[base + k * stride]!;
      for (let k = 0; k < size; k++) {
        const p = base + k * stride;
        r[p] = gd[p]! - Math.exp(yd[p]!) * total;
      }
    });
    return [new Tensor(r, g.shape)];
  }, DIFFERENTIABLE);
}

/** log Σ exp(x) along `dim`, without overflow; d/dx = g·softmax(x) = g·exp(x − logsumexp). */
export function logsumexp(a: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  // Integers and bools give float32, as PyTorch.
  if (!isFloatingDType(a.dtype)) return logsumexp(castTo(a, DEFAULT_DTYPE), dim, keepdim);
  const dims = typeof dim === "number" ? [dim] : [...dim];
  if (dims.length !== 1) {
    // Several dims: the same as one dim over those dims moved last and flattened.
    const ds = dims.map((v) => normalizeDim(v, a.ndim, "logsumexp"));
    const rest = a.shape.map((_, i) => i).filter((i) => !ds.includes(i));
    const moved = a.permute([...rest, ...ds]).reshape([...rest.map((i) => a.shape[i]!), -1]);
    const r = logsumexp(moved, -1);
    return keepdim ? r.reshape(a.shape.map((s, i) => (ds.includes(i) ? 1 : s))) : r;
  }
  const d = a.ndim === 0 ? 0 : normalizeDim(dims[0]!, a.ndim, "logsumexp");
  const { outer, size, inner } = aroundDim(a.shape, d);
  const keepShape = a.shape.map((s, i) => (i === d ? 1 : s));
  const outShape = keepdim || a.ndim === 0 ? keepShape : a.shape.filter((_, i) => i !== d);
  const x = a.data;
  const out = allocStorageToFill(a.dtype, outer * inner);
  forEachLine(a.shape, d, (base) => {
    const o = Math.floor(base / (size * inner));
    out[o * inner + (base % inner)] = lineLogSumExp(x, base, size, inner);
  });
  const result = new Tensor(out, outShape);
  if (!needsGraph(a)) return result;
  const saved = a;
  const lse = new Tensor(out, keepShape);
  // Under createGraph the saved input and the result itself, so the formula is recorded in terms of them.
  return recordOp(result, "LogsumexpBackward0", [a], [saved, lse], (g) => [
    g.reshape(keepShape).mul(saved.sub(isGradEnabled() ? result.reshape(keepShape) : lse).exp()),
  ], DIFFERENTIABLE);
}

/**
 * @internal Cross-entropy of class indices as one graph node (PyTorch names the loss's node
 * NllLossBackward0): input [N, C] logits, `targets` N valid class indices, reduced by mean or sum.
 * Backward: (softmax − onehot)·scale. It runs the same arithmetic as the composition it replaces,
 * logSoftmax(input)·onehot summed per row, negated, then averaged (or summed) with its backward chain,
 * so the loss and the gradient are bit-identical to it, without its five nodes and their tensors.
 */
export function crossEntropyIndices(input: Tensor, targets: Int32Array, reduction: "mean" | "sum"): Tensor {
  const [n, c] = input.shape as [number, number];
  const logp = forward(input, 1, true);
  const lp = logp.data;
  // Σ_i −logp[i, t_i] in float64, in order (the reductions accumulate in float64), then × 1/N for the mean.
  let s = 0;
  for (let i = 0; i < n; i++) s += -lp[i * c + targets[i]!]!;
  if (reduction === "mean") s *= 1 / n;
  const value = allocStorage(input.dtype, 1);
  value[0] = s;
  const out = new Tensor(value, []);
  if (!needsGraph(input)) return out;
  const y = logp.detach();
  return recordOp(out, "NllLossBackward0", [input], [y, targets], (g) => {
    // Under createGraph: (softmax(input) − onehot)·g·scale as recorded ops on the input itself.
    if (isGradEnabled()) return [softmax(input, 1).sub(oneHotRows(targets, c, input.dtype)).mul(g.mul(reduction === "mean" ? 1 / n : 1))];
    const r = allocStorageToFill(g.dtype, n * c);
    // The incoming gradient as the mean's backward stores it (g·(1/N), rounded to the dtype), negated.
    const a = allocStorage(g.dtype, 1);
    a[0] = reduction === "mean" ? g.data[0]! * (1 / n) : g.data[0]!;
    const ng = -a[0]!;
    const zero = ng * 0;
    const yd = y.data;
    for (let i = 0; i < n; i++) {
      const base = i * c;
      const t = targets[i]!;
      // logSoftmax's backward of the row (ng at the target, ±0 elsewhere): r = g − softmax·Σg.
      let total = 0;
      for (let k = 0; k < c; k++) total += k === t ? ng : zero;
      for (let k = 0; k < c; k++) r[base + k] = (k === t ? ng : zero) - Math.exp(yd[base + k]!) * total;
    }
    return [new Tensor(r, input.shape)];
  }, DIFFERENTIABLE);
}

/** [N, C] rows of 0 with a 1 at each target class (a constant of crossEntropyIndices' backward). */
function oneHotRows(targets: Int32Array, c: number, dtype: DType): Tensor {
  const d = allocStorage(dtype, targets.length * c);
  for (let i = 0; i < targets.length; i++) d[i * c + targets[i]!] = 1;
  return new Tensor(d, [targets.length, c]);
}

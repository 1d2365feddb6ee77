// softmax and logSoftmax along a dim, with the max subtracted so large logits stay finite.
import { needsGraph, recordOp } from "./autograd.js";
import { allocStorage } from "./dtype.js";
import { normalizeDim } from "./shape.js";
import { aroundDim } from "./reduce.js";
import { Tensor } from "./tensor.js";

/** log Σ exp along the dim for each (outer, inner) line, computed as m + log Σ exp(x - m). */
function lineLogSumExp(x: ArrayLike<number>, base: number, size: number, inner: number): { m: number; lse: number } {
  let m = -Infinity;
  for (let k = 0; k < size; k++) {
    const v = x[base + k * inner]!;
    if (v > m || Number.isNaN(v)) m = v;
  }
  let s = 0;
  for (let k = 0; k < size; k++) s += Math.exp(x[base + k * inner]! - m);
  return { m, lse: m + Math.log(s) };
}

function forward(a: Tensor, d: number, takeLog: boolean): Tensor {
  const { outer, size, inner } = aroundDim(a.shape, d);
  const x = a.data;
  const out = allocStorage(a.dtype, a.numel);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      const { lse } = lineLogSumExp(x, base, size, inner);
      if (takeLog) for (let k = 0; k < size; k++) out[base + k * inner] = x[base + k * inner]! - lse;
      else for (let k = 0; k < size; k++) out[base + k * inner] = Math.exp(x[base + k * inner]! - lse);
    }
  }
  return new Tensor(out, a.shape);
}

/** softmax(x)_k = e^(x_k - m) / Σ_j e^(x_j - m); backward: y ⊙ (g - Σ g⊙y). */
export function softmax(a: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, a.ndim, "softmax");
  const out = forward(a, d, false);
  if (!needsGraph(a)) return out;
  const y = out.detach();
  return recordOp(out, "SoftmaxBackward0", [a], [y], (g) => {
    const { outer, size, inner } = aroundDim(y.shape, d);
    const r = allocStorage(g.dtype, g.numel);
    const gd = g.data;
    const yd = y.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * size * inner + i;
        let dot = 0;
        for (let k = 0; k < size; k++) dot += gd[base + k * inner]! * yd[base + k * inner]!;
        for (let k = 0; k < size; k++) {
          const p = base + k * inner;
          r[p] = yd[p]! * (gd[p]! - dot);
        }
      }
    }
    return [new Tensor(r, g.shape)];
  });
}

/** logSoftmax(x)_k = x_k - m - log Σ_j e^(x_j - m); backward: g - softmax ⊙ Σ g. */
export function logSoftmax(a: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, a.ndim, "logSoftmax");
  const out = forward(a, d, true);
  if (!needsGraph(a)) return out;
  const y = out.detach();
  return recordOp(out, "LogSoftmaxBackward0", [a], [y], (g) => {
    const { outer, size, inner } = aroundDim(y.shape, d);
    const r = allocStorage(g.dtype, g.numel);
    const gd = g.data;
    const yd = y.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * size * inner + i;
        let total = 0;
        for (let k = 0; k < size; k++) total += gd[base + k * inner]!;
        for (let k = 0; k < size; k++) {
          const p = base + k * inner;
          r[p] = gd[p]! - Math.exp(yd[p]!) * total;
        }
      }
    }
    return [new Tensor(r, g.shape)];
  });
}

// Vector norms over all elements or some dims: ‖x‖_p = (Σ|x|^p)^(1/p), with p = Infinity (max |x|),
// 1, 2 (PyTorch's default, also spelled "fro") or any other positive number.
import { DIFFERENTIABLE, needsGraph, recordOp } from "./autograd.js";
import { AutogradError } from "./errors.js";
import { isGradEnabled } from "./grad-mode.js";
import { allocStorage } from "./dtype.js";
import { ArgumentError } from "./errors.js";
import { broadcastIndex, normalizeDim } from "./shape.js";
import { checkFloating } from "./reduce.js";
import { Tensor } from "./tensor.js";

/** The order of a norm: a number (Infinity for the max norm), or "fro" for 2. */
export type NormOrder = number | "fro";

function orderOf(p: unknown): number {
  if (p === undefined || p === null || p === "fro") return 2;
  if (typeof p !== "number" || Number.isNaN(p) || p <= 0) {
    throw new ArgumentError(`norm: p must be a positive number, Infinity or "fro", got ${JSON.stringify(p) ?? String(p)}`);
  }
  return p;
}

/**
 * ‖x‖_p over `dim` (every element when omitted). d/dx = x·|x|^(p−2)/‖x‖^(p−1) (for p = 2: x/‖x‖),
 * sign(x) for p = 1, and for p = Infinity sign(x) shared among the elements reaching the max;
 * 0 where the norm is 0, as PyTorch.
 */
export function norm(a: Tensor, p?: NormOrder, dim?: number | readonly number[], keepdim = false): Tensor {
  const order = orderOf(p);
  checkFloating(a, "norm");
  const dims = new Set<number>();
  if (dim === undefined || dim === null) for (let d = 0; d < a.ndim; d++) dims.add(d);
  else for (const d of typeof dim === "number" ? [dim] : dim) dims.add(normalizeDim(d, a.ndim, "norm"));
  const keepShape = a.shape.map((s, d) => (dims.has(d) ? 1 : s));
  const outShape = keepdim ? keepShape : a.shape.filter((_, d) => !dims.has(d));
  // slot[i]: where element i of `a` lands in the (keepdim) result.
  const slot = broadcastIndex(a.shape, keepShape);
  const x = a.data;
  const acc = new Float64Array(keepShape.reduce((m, s) => m * s, 1));
  if (order === Infinity) for (let i = 0; i < x.length; i++) acc[slot[i]!] = Math.max(acc[slot[i]!]!, Math.abs(x[i]!));
  else {
    for (let i = 0; i < x.length; i++) acc[slot[i]!] += order === 1 ? Math.abs(x[i]!) : order === 2 ? x[i]! * x[i]! : Math.abs(x[i]!) ** order;
    if (order !== 1) for (let j = 0; j < acc.length; j++) acc[j] = order === 2 ? Math.sqrt(acc[j]!) : acc[j]! ** (1 / order);
  }
  const out = allocStorage(a.dtype, acc.length);
  out.set(acc);
  const result = new Tensor(out, outShape);
  if (!needsGraph(a)) return result;
  const saved = a;
  const normValues = new Tensor(out, keepShape);
  return recordOp(result, "NormBackward1", [a], [saved, normValues], (g) => {
    if (isGradEnabled()) return [normGradInGraph(g.reshape(keepShape), saved, result.reshape(keepShape), order)];
    const gd = g.data;
    const nv = normValues.data;
    const s = saved.data;
    const r = allocStorage(g.dtype, s.length);
    // For the max norm: how many elements reach it in each slot (the gradient is shared among them).
    const ties = new Float64Array(acc.length);
    if (order === Infinity) for (let i = 0; i < s.length; i++) if (Math.abs(s[i]!) === nv[slot[i]!]) ties[slot[i]!]!++;
    for (let i = 0; i < s.length; i++) {
      const j = slot[i]!;
      const n = nv[j]!;
      const v = s[i]!;
      if (n === 0 || v === 0) continue;
      const sign = v > 0 ? 1 : -1;
      let d: number;
      if (order === Infinity) d = Math.abs(v) === n ? sign / ties[j]! : 0;
      else if (order === 1) d = sign;
      else if (order === 2) d = v / n;
      else d = (v * Math.abs(v) ** (order - 2)) / n ** (order - 1);
      r[i] = gd[j]! * d;
    }
    return [new Tensor(r, saved.shape)];
  }, DIFFERENTIABLE);
}

/**
 * The norm's gradient as recorded ops on x and the norm n (keepdim shape), for createGraph:
 * g·sign(x)·|x|^(p−1)/n^(p−1) (x/n for p = 2), with constant masks for p = 1 and p = ∞;
 * 0 where n is 0 (there x is 0 too, and n is replaced by 1 so that nothing divides by 0).
 */
function normGradInGraph(g: Tensor, x: Tensor, n: Tensor, p: number): Tensor {
  const sign = signOf(x);
  if (p === 1) return g.mul(sign);
  if (p === Infinity) {
    // sign(x) shared among the elements that reach the max: a constant weight per element.
    const hits = x.detach().abs().eq(n.detach()).to(x.dtype);
    return g.mul(sign.mul(hits).div(hits.sum(dimsOf(x, n), true)));
  }
  if (p < 1) {
    throw new AutogradError(`NormBackward1: createGraph through a norm of order p = ${p} < 1 is not supported (its derivative is unbounded at 0)`);
  }
  const safe = n.add(n.detach().eq(0).to(n.dtype));
  if (p === 2) return x.mul(g.div(safe));
  return x.abs().pow(p - 1).mul(sign).mul(g.div(safe.pow(p - 1)));
}

/** sign(x) as a constant tensor (−1, 0 or 1). */
function signOf(x: Tensor): Tensor {
  const r = allocStorage(x.dtype, x.numel());
  for (let i = 0; i < r.length; i++) r[i] = Math.sign(x.data[i]!);
  return new Tensor(r, x.shape);
}

/** The dims along which `n` (keepdim) was reduced from `x`. */
function dimsOf(x: Tensor, n: Tensor): number[] {
  return x.shape.map((s, i) => (n.shape[i] === 1 && s !== 1 ? i : -1)).filter((i) => i >= 0);
}

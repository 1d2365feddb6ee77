// Vector norms over all elements or some dims: ‖x‖_p = (Σ|x|^p)^(1/p), with p = Infinity (max |x|),
// 1, 2 (PyTorch's default, also spelled "fro") or any other positive number.
import { DIFFERENTIABLE, needsGraph, recordOp } from "./autograd.js";
import { isGradEnabled } from "./grad-mode.js";
import { where } from "./where.js";
import { allocStorage, type Storage } from "./dtype.js";
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
  const saved = a.detach();
  const normValues = new Tensor(out, keepShape);
  return recordOp(result, "NormBackward1", [a], [saved, normValues], (g) => {
    if (isGradEnabled()) return [normGradInGraph(g.reshape(keepShape), a, result.reshape(keepShape), order)];
    const gd = g.data;
    const d = slopes(saved.data, normValues.data, slot, order);
    const r = allocStorage(g.dtype, d.length);
    for (let i = 0; i < d.length; i++) r[i] = gd[slot[i]!]! * d[i]!;
    return [new Tensor(r, saved.shape)];
  }, DIFFERENTIABLE);
}

/**
 * d‖x‖_p/dx_i for each element (`n` the norms, `slot[i]` element i's norm): 0 where the norm or the
 * element is 0; for p = Infinity sign(x) shared among the elements reaching the max.
 */
function slopes(s: Storage, n: Storage, slot: Int32Array, order: number): Float64Array {
  const out = new Float64Array(s.length);
  const ties = new Float64Array(n.length);
  if (order === Infinity) for (let i = 0; i < s.length; i++) if (Math.abs(s[i]!) === n[slot[i]!]) ties[slot[i]!]!++;
  for (let i = 0; i < s.length; i++) {
    const j = slot[i]!;
    const v = s[i]!;
    if (n[j] === 0 || v === 0) continue;
    const sign = v > 0 ? 1 : -1;
    if (order === Infinity) out[i] = Math.abs(v) === n[j] ? sign / ties[j]! : 0;
    else if (order === 1) out[i] = sign;
    else if (order === 2) out[i] = v / n[j]!;
    else out[i] = (v * Math.abs(v) ** (order - 2)) / n[j]! ** (order - 1);
  }
  return out;
}

/**
 * The same gradient as recorded ops (createGraph): g·x·|x|^(p−2)/‖x‖^(p−1), 0 where the norm is 0;
 * for p = 1 and Infinity the slopes are piecewise constant, so g times them.
 */
function normGradInGraph(g: Tensor, a: Tensor, n: Tensor, order: number): Tensor {
  if (order === 1 || order === Infinity) {
    const d = slopes(a.data, n.data, broadcastIndex(a.shape, n.shape), order);
    const constant = allocStorage(a.dtype, d.length);
    constant.set(d);
    return g.mul(new Tensor(constant, a.shape));
  }
  const factor = order === 2 ? a.div(n) : a.mul(a.abs().pow(order - 2)).div(n.pow(order - 1));
  return g.mul(where(n.eq(0), 0, factor));
}

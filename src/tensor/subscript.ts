// PyTorch's subscripts `x[...]` as `x.get(...)` and `x[...] = v` as `x.set([...], v)`: integers,
// Python slices written as strings (":", "1:3", "::2"; negative steps are refused as in PyTorch),
// "...", null (a new dim of size 1), and integer tensors or arrays (advanced indexing, broadcast together, e.g.
// `probs.get(arange(n), y)` or an embedding lookup `C.get(X)`), and bool masks (`x.get(x.gt(0))`, each
// standing for the positions of its true elements over the dims it covers). Every subscript becomes the list of
// flat source offsets of the result's elements: reading gathers them, the gradient scatter-adds into
// them, and assignment writes them.
import { DIFFERENTIABLE, recordOp, scatteredGrad } from "./autograd.js";
import { isGradEnabled } from "./grad-mode.js";
import { allocStorage, canCast, castValue } from "./dtype.js";
import { nonzeroColumns } from "./nonzero.js";
import { ArgumentError, DTypeError, ShapeError } from "./errors.js";
import { broadcastShapes, formatShape, shapeNumel } from "./shape.js";
import { broadcastTo, castTo } from "./sum-to-shape.js";
import { Tensor } from "./tensor.js";

/** One subscript: an integer, a slice string ("a:b:c", ":"), "...", null (new dim), integer indices or a bool mask. */
export type Subscript = number | string | null | Tensor | readonly number[] | readonly boolean[];

/** A subscript resolved: the source offsets of the result's elements and the result's shape. */
interface Plan {
  offsets: Int32Array;
  shape: number[];
  /** Whether integer-tensor indices took part (PyTorch's IndexBackward0 rather than a slice or select). */
  advanced: boolean;
}

/** One dim of the result made by basic indexing: `size` steps of `stride` from `start`. */
interface Axis {
  size: number;
  step: number;
}

const SLICE = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/;

function describe(s: Subscript): string {
  if (s instanceof Tensor) return `a tensor of shape ${formatShape(s.shape)}`;
  if (Array.isArray(s)) return `[${s.join(", ")}]`;
  return JSON.stringify(s) ?? String(s);
}

/** Python's slice.indices(n): start, count and step for a dim of size n. */
function sliceRange(text: string, n: number, op: string, pos: number): { start: number; count: number; step: number } {
  const m = SLICE.exec(text);
  if (m === null) {
    throw new ArgumentError(`${op}: subscript ${pos} is ${JSON.stringify(text)}, expected a slice such as ":", "1:3", "::2" or "..."`);
  }
  const step = m[3] === undefined ? 1 : Number(m[3]);
  if (step <= 0) throw new ArgumentError(`${op}: subscript ${pos} (${JSON.stringify(text)}): step must be positive, as in PyTorch`);
  const clamp = (v: number): number => Math.min(n, Math.max(0, v < 0 ? v + n : v));
  const start = m[1] === undefined ? 0 : clamp(Number(m[1]));
  const stop = m[2] === undefined ? n : clamp(Number(m[2]));
  return { start, count: Math.max(0, Math.ceil((stop - start) / step)), step };
}

/** Integer positions (negatives from the end) from an index tensor or array, checked against `size`. */
function positions(s: Tensor | readonly number[], size: number, dim: number, op: string): { values: Int32Array; shape: readonly number[] } {
  const src = s instanceof Tensor ? s.data : s;
  const values = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    if (!Number.isInteger(v) || v < -size || v >= size) {
      throw new ArgumentError(`${op}: index ${v} is out of bounds for dim ${dim} with size ${size}${Number.isInteger(v) ? "" : " (indices must be integers)"}`);
    }
    values[i] = v < 0 ? v + size : v;
  }
  return { values, shape: s instanceof Tensor ? s.shape : [src.length] };
}

const isMask = (s: Subscript): s is Tensor => s instanceof Tensor && s.dtype === "bool";

/** A JS array of booleans as the bool mask it stands for (`x[[True, False]]` in PyTorch). */
const asMask = (s: Subscript): Subscript =>
  Array.isArray(s) && s.length > 0 && typeof s[0] === "boolean" ? new Tensor(Uint8Array.from(s as boolean[], Number), [s.length]) : s;

/**
 * Bool masks replaced by the positions of their true elements, one index list per dim they cover
 * (PyTorch's expansion of `x[mask]`), after checking that each mask has the shape of those dims.
 */
function expandMasks(shape: readonly number[], given: readonly Subscript[], op: string): readonly Subscript[] {
  const subs = given.map(asMask);
  if (!subs.some(isMask)) return subs;
  const consumed = subs.reduce<number>((n, s) => n + (s === null || s === "..." ? 0 : isMask(s) ? s.ndim : 1), 0);
  const out: Subscript[] = [];
  let dim = 0;
  subs.forEach((s, pos) => {
    if (s === "...") dim += Math.max(0, shape.length - consumed);
    else if (isMask(s)) {
      if (s.ndim === 0) throw new ArgumentError(`${op}: subscript ${pos} is a 0-d bool tensor; index with a mask of the indexed dims' shape`);
      s.shape.forEach((size, k) => {
        if (size !== shape[dim + k]) {
          throw new ShapeError(
            `${op}: the shape of the mask ${formatShape(s.shape)} at index ${k} does not match the shape of the indexed tensor ${formatShape(shape)} at index ${dim + k}`,
          );
        }
      });
      out.push(...nonzeroColumns(s));
      dim += s.ndim;
      return;
    } else if (s !== null) dim++;
    out.push(s);
  });
  return out;
}

/** Resolves `subs` against a tensor of `shape` into source offsets (PyTorch's rules for mixing kinds). */
export function planSubscript(shape: readonly number[], given: readonly Subscript[], op: string): Plan {
  const subs = expandMasks(shape, given, op);
  const consumed = subs.filter((s) => s !== null && s !== "...").length;
  const ellipses = subs.filter((s) => s === "...").length;
  if (ellipses > 1) throw new ArgumentError(`${op}: an index can only have a single ellipsis ("...")`);
  if (consumed > shape.length) {
    throw new ArgumentError(`${op}: too many indices for a tensor of dimension ${shape.length} (got ${consumed}: ${subs.map(describe).join(", ")})`);
  }
  // Strides of the source (row-major).
  const strides: number[] = new Array(shape.length);
  for (let d = shape.length - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  let base = 0;
  // The result's dims in order; "adv" marks where the broadcast advanced indices go.
  const axes: (Axis | "adv")[] = [];
  const advanced: { values: Int32Array; shape: readonly number[]; stride: number }[] = [];
  let advAt = -1;
  let advContiguous = true;
  let lastWasAdv = false;
  let dim = 0;
  subs.forEach((s, pos) => {
    if (s === "...") {
      for (const end = dim + shape.length - consumed; dim < end; dim++) axes.push({ size: shape[dim]!, step: strides[dim]! });
      lastWasAdv = false;
      return;
    }
    if (s === null) {
      axes.push({ size: 1, step: 0 });
      lastWasAdv = false;
      return;
    }
    const n = shape[dim]!;
    if (typeof s === "number") {
      if (!Number.isInteger(s) || s < -n || s >= n) {
        throw new ArgumentError(`${op}: index ${s} is out of range for dim ${dim} of size ${n} (shape ${formatShape(shape)})`);
      }
      base += (s < 0 ? s + n : s) * strides[dim]!;
      // An integer drops its dim; advanced indices on either side stay adjacent, as in PyTorch.
    } else if (typeof s === "string") {
      const r = sliceRange(s, n, op, pos);
      base += r.start * strides[dim]!;
      axes.push({ size: r.count, step: r.step * strides[dim]! });
      lastWasAdv = false;
    } else if (s instanceof Tensor || Array.isArray(s)) {
      if (advanced.length > 0 && !lastWasAdv) advContiguous = false;
      if (advAt < 0) {
        advAt = axes.length;
        axes.push("adv");
      }
      advanced.push({ ...positions(s, n, dim, op), stride: strides[dim]! });
      lastWasAdv = true;
    } else {
      throw new ArgumentError(`${op}: subscript ${pos} is ${describe(s)}; expected an integer, a slice string, "...", null or integer indices`);
    }
    dim++;
  });
  for (; dim < shape.length; dim++) axes.push({ size: shape[dim]!, step: strides[dim]! });
  // Advanced indices: broadcast together, each contributing value × stride.
  let advShape: number[] = [];
  let advOffsets = new Int32Array(0);
  if (advanced.length > 0) {
    try {
      advShape = advanced.reduce<number[]>((acc, a) => broadcastShapes(acc, a.shape, op), []);
    } catch {
      throw new ShapeError(`${op}: shape mismatch: indexing tensors could not be broadcast together with shapes ${advanced.map((a) => formatShape(a.shape)).join(", ")}`);
    }
    advOffsets = new Int32Array(shapeNumel(advShape));
    for (const a of advanced) {
      const b = broadcastTo(new Tensor(Float64Array.from(a.values), a.shape), advShape, op).data;
      for (let i = 0; i < advOffsets.length; i++) advOffsets[i]! += b[i]! * a.stride;
    }
    // Non-adjacent advanced indices put their dims first (NumPy's and PyTorch's rule).
    if (!advContiguous) {
      axes.splice(advAt, 1);
      axes.unshift("adv");
    }
  }
  const outShape = axes.flatMap((a) => (a === "adv" ? advShape : [a.size]));
  let offsets = Int32Array.of(base);
  for (const a of axes) {
    const size = a === "adv" ? advOffsets.length : a.size;
    const next = new Int32Array(offsets.length * size);
    let k = 0;
    for (let i = 0; i < offsets.length; i++) {
      const o = offsets[i]!;
      if (a === "adv") for (let j = 0; j < size; j++) next[k++] = o + advOffsets[j]!;
      else for (let j = 0; j < size; j++) next[k++] = o + j * a.step;
    }
    offsets = next;
  }
  return { offsets, shape: outShape, advanced: advanced.length > 0 };
}

/** `x[subs]`: a new tensor (a copy) with the gradient scatter-added back. */
export function getSubscript(a: Tensor, subs: readonly Subscript[]): Tensor {
  const plan = planSubscript(a.shape, subs, "get");
  const { offsets } = plan;
  const src = a.data;
  const out = allocStorage(a.dtype, offsets.length);
  for (let i = 0; i < offsets.length; i++) out[i] = src[offsets[i]!]!;
  const inShape = a.shape;
  const name = plan.advanced ? "IndexBackward0" : "SliceBackward0";
  return recordOp(new Tensor(out, plan.shape), name, [a], [], (g) => {
    const r = allocStorage(g.dtype, shapeNumel(inShape));
    const gd = g.data;
    for (let i = 0; i < offsets.length; i++) r[offsets[i]!]! += gd[i]!;
    return [scatteredGrad(new Tensor(r, inShape), g, plan.advanced ? "IndexPutBackward0" : "SliceBackwardBackward0", (gg) => getSubscript(gg, subs))];
  }, DIFFERENTIABLE);
}

/**
 * `x[subs] = value` computed out of place: a copy of `a` with `value` (broadcast to the subscript's
 * shape) written in; gradients: `a` gets g with the written places zeroed, `value` gets g there.
 */
export function putSubscript(a: Tensor, subs: readonly Subscript[], value: Tensor | number, op: string): Tensor {
  const plan = planSubscript(a.shape, subs, op);
  const { offsets } = plan;
  const v = typeof value === "number" ? null : value;
  if (v !== null && !(v instanceof Tensor)) throw new ArgumentError(`${op}: value must be a Tensor or a number, got ${typeof value}`);
  if (v !== null && !canCast(v.dtype, a.dtype)) {
    throw new DTypeError(`${op}: index put requires the value's dtype to fit the tensor's: got ${a.dtype} for the destination and ${v.dtype} for the value`);
  }
  let vals: ArrayLike<number>;
  if (v === null) vals = new Float64Array(offsets.length).fill(castValue(value as number, a.dtype));
  else {
    try {
      vals = broadcastTo(castTo(v, a.dtype), plan.shape, op).data;
    } catch {
      throw new ShapeError(`${op}: shape mismatch: value tensor of shape ${formatShape(v.shape)} cannot be broadcast to indexing result of shape ${formatShape(plan.shape)}`);
    }
  }
  const out = a.data.slice();
  for (let i = 0; i < offsets.length; i++) out[offsets[i]!] = vals[i]!;
  const inputs = v === null ? [a] : [a, v];
  return recordOp(new Tensor(out, a.shape), "IndexPutBackward0", inputs, [], (g, needs) => {
    // Under createGraph: the same two picks as recorded ops (g with the written places zeroed, g at them).
    if (isGradEnabled()) return [needs[0] ? putSubscript(g, subs, 0, op) : null, v !== null && needs[1] ? getSubscript(g, subs) : null];
    let ga: Tensor | null = null;
    if (needs[0]) {
      const r = g.data.slice();
      for (let i = 0; i < offsets.length; i++) r[offsets[i]!] = 0;
      ga = new Tensor(r, g.shape);
    }
    if (v === null || !needs[1]) return [ga];
    const gv = allocStorage(g.dtype, offsets.length);
    const gd = g.data;
    for (let i = 0; i < offsets.length; i++) gv[i] = gd[offsets[i]!]!;
    return [ga, new Tensor(gv, plan.shape)];
  }, DIFFERENTIABLE);
}

/** `x[mask]`: the elements where `mask` (broadcast to x's shape) is nonzero, in order, as a 1-D tensor. */
export function maskedSelect(a: Tensor, mask: Tensor): Tensor {
  if (!(mask instanceof Tensor)) throw new ArgumentError(`maskedSelect: mask must be a Tensor, got ${typeof mask}`);
  let m: ArrayLike<number>;
  try {
    m = broadcastTo(mask, a.shape, "maskedSelect").data;
  } catch {
    throw new ShapeError(`maskedSelect: mask of shape ${formatShape(mask.shape)} does not match the tensor's shape ${formatShape(a.shape)}`);
  }
  const picked: number[] = [];
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) picked.push(i);
  const offsets = Int32Array.from(picked);
  const out = allocStorage(a.dtype, offsets.length);
  for (let i = 0; i < offsets.length; i++) out[i] = a.data[offsets[i]!]!;
  const inShape = a.shape;
  return recordOp(new Tensor(out, [offsets.length]), "MaskedSelectBackward0", [a], [], (g) => {
    const r = allocStorage(g.dtype, shapeNumel(inShape));
    for (let i = 0; i < offsets.length; i++) r[offsets[i]!] = g.data[i]!;
    return [scatteredGrad(new Tensor(r, inShape), g, "MaskedScatterBackward0", (gg) => maskedSelect(gg, mask))];
  }, DIFFERENTIABLE);
}

// Joining tensors: cat along an existing dim, stack along a new one.
import { DIFFERENTIABLE, recordOp } from "./autograd.js";
import { isGradEnabled } from "./grad-mode.js";
import { getSubscript } from "./subscript.js";
import { allocStorage, promoteTypes, type DType } from "./dtype.js";
import { ArgumentError, ShapeError } from "./errors.js";
import { formatShape, normalizeDim, shapeNumel } from "./shape.js";
import { aroundDim } from "./reduce.js";
import { Tensor } from "./tensor.js";

function checkList(tensors: readonly Tensor[], op: string): void {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError(`${op}: expected a non-empty array of tensors`);
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ArgumentError(`${op}: tensors[${i}] is not a Tensor`);
  });
}

/** Concatenates along `dim`; all other sizes must match. Backward hands each input its slice. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return concatenate(tensors, dim, "cat", "CatBackward0");
}

/** Joins `tensors` along `dim`; the node's inputs are `inputs` (same data, maybe without the new dim). */
function concatenate(tensors: readonly Tensor[], dim: number, op: string, nodeName: string, inputs = tensors): Tensor {
  checkList(tensors, op);
  const first = tensors[0]!;
  if (first.ndim === 0) throw new ArgumentError(`${op}: zero-dimensional tensors cannot be concatenated (use stack)`);
  const d = normalizeDim(dim, first.ndim, op);
  let dtype: DType = first.dtype;
  let total = 0;
  tensors.forEach((t, i) => {
    const same = t.ndim === first.ndim && t.shape.every((s, k) => k === d || s === first.shape[k]);
    if (!same) {
      throw new ShapeError(`${op}: tensors[${i}] has shape ${formatShape(t.shape)}, which does not match tensors[0] ${formatShape(first.shape)} outside dim ${d}`);
    }
    dtype = promoteTypes(dtype, t.dtype);
    total += t.shape[d]!;
  });
  const shape = [...first.shape];
  shape[d] = total;
  const { outer, inner } = aroundDim(shape, d);
  const out = allocStorage(dtype, shapeNumel(shape));
  const sizes = tensors.map((t) => t.shape[d]!);
  let offset = 0;
  for (let t = 0; t < tensors.length; t++) {
    const chunk = sizes[t]! * inner;
    const src = tensors[t]!.data;
    for (let o = 0; o < outer; o++) {
      const to = o * total * inner + offset * inner;
      for (let j = 0; j < chunk; j++) out[to + j] = src[o * chunk + j]!;
    }
    offset += sizes[t]!;
  }
  const shapes = inputs.map((t) => t.shape);
  return recordOp(new Tensor(out, shape), nodeName, inputs, [], (g) => {
    let off = 0;
    if (isGradEnabled()) {
      // Under createGraph: each input's part of g as a recorded slice along d.
      const lead = new Array<string>(d).fill(":");
      return shapes.map((s, t) => {
        const part = getSubscript(g, [...lead, `${off}:${off + sizes[t]!}`]).reshape([...s]);
        off += sizes[t]!;
        return part;
      });
    }
    const gd = g.data;
    return shapes.map((s, t) => {
      const chunk = sizes[t]! * inner;
      const r = allocStorage(g.dtype, outer * chunk);
      for (let o = 0; o < outer; o++) r.set(gd.subarray(o * total * inner + off * inner, o * total * inner + off * inner + chunk), o * chunk);
      off += sizes[t]!;
      return new Tensor(r, s);
    });
  }, DIFFERENTIABLE);
}

/** Stacks equal-shaped tensors along a new dim `dim`. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList(tensors, "stack");
  const first = tensors[0]!;
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((s, k) => s !== first.shape[k])) {
      throw new ShapeError(`stack: tensors[${i}] has shape ${formatShape(t.shape)} but tensors[0] has ${formatShape(first.shape)}`);
    }
  });
  const d = normalizeDim(dim, first.ndim + 1, "stack");
  const parts = tensors.map((t) => new Tensor(t.data, [...t.shape.slice(0, d), 1, ...t.shape.slice(d)]));
  return concatenate(parts, d, "stack", "StackBackward0", tensors);
}

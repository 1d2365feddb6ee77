// topk: the k largest (or smallest) elements along a dim with their indices, e.g. the most likely
// next tokens; the gradient flows back to the positions picked.
import { DIFFERENTIABLE, needsGraph, recordOp, scatteredGrad } from "./autograd.js";
import { allocStorage, allocStorageToFill } from "./dtype.js";
import { ArgumentError } from "./errors.js";
import { normalizeDim, shapeNumel } from "./shape.js";
import { aroundDim, type ValuesIndices } from "./reduce.js";
import { Tensor } from "./tensor.js";

/** Order of two elements for topk: NaN counts as the largest value, as in PyTorch; ties keep the lower index first. */
function compare(x: number, y: number, largest: boolean): number {
  const nx = Number.isNaN(x);
  const ny = Number.isNaN(y);
  if (nx || ny) return nx === ny ? 0 : (nx ? -1 : 1) * (largest ? 1 : -1);
  return largest ? y - x : x - y;
}

/**
 * The `k` largest (`largest = false`: smallest) elements along `dim` and their positions, in order
 * (best first; `sorted = false` keeps the same order, which PyTorch allows); indices are int64.
 * d/dx scatters g to the positions.
 */
export function topk(a: Tensor, k: number, dim = -1, largest = true, sorted = true): ValuesIndices {
  if (typeof largest !== "boolean") throw new ArgumentError(`topk: largest must be a boolean, got ${typeof largest}`);
  if (typeof sorted !== "boolean") throw new ArgumentError(`topk: sorted must be a boolean, got ${typeof sorted}`);
  const d = a.ndim === 0 ? 0 : normalizeDim(dim, a.ndim, "topk");
  const { outer, size, inner } = aroundDim(a.shape, d);
  if (!Number.isInteger(k) || k < 0 || k > size) {
    throw new ArgumentError(`topk: k (${k}) must be an integer in [0, ${size}], the size of dim ${d}`);
  }
  const outShape = a.ndim === 0 ? [] : a.shape.map((s, i) => (i === d ? k : s));
  const values = allocStorageToFill(a.dtype, shapeNumel(outShape));
  const picked = new Int32Array(values.length);
  const x = a.data;
  const order = new Array<number>(size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      for (let j = 0; j < size; j++) order[j] = j;
      order.sort((p, q) => compare(x[base + p * inner]!, x[base + q * inner]!, largest) || p - q);
      for (let j = 0; j < k; j++) {
        const at = o * k * inner + j * inner + i;
        picked[at] = order[j]!;
        values[at] = x[base + order[j]! * inner]!;
      }
    }
  }
  const idx = allocStorage("int64", picked.length);
  idx.set(picked);
  const indices = new Tensor(idx, outShape);
  const out = new Tensor(values, outShape);
  if (!needsGraph(a)) return { values: out, indices };
  const inShape = a.shape;
  recordOp(out, "TopkBackward0", [a], [picked], (g) => {
    const r = allocStorage(g.dtype, shapeNumel(inShape));
    const gd = g.data;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < inner; i++) {
          const at = o * k * inner + j * inner + i;
          r[o * size * inner + picked[at]! * inner + i] += gd[at]!;
        }
      }
    }
    const pick = (gg: Tensor): Tensor => (a.ndim === 0 ? gg.reshape(outShape) : gg.gather(d, indices));
    return [scatteredGrad(new Tensor(r, inShape), g, "ValueSelectingReductionBackwardBackward0", pick)];
  }, DIFFERENTIABLE);
  return { values: out, indices };
}

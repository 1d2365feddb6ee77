// embedding: rows of a weight matrix looked up by integer indices (PyTorch's F.embedding, the
// `C[X]` of a character model); the gradient adds into the rows used, none into `paddingIdx`'s.
import { DIFFERENTIABLE, needsGraph, recordOp, scatteredGrad } from "./autograd.js";
import { allocStorage, allocStorageToFill } from "./dtype.js";
import { ArgumentError, ShapeError } from "./errors.js";
import { formatShape } from "./shape.js";
import { Tensor } from "./tensor.js";

/** out[..., :] = weight[indices[...], :]; d/dweight[r] = Σ of g over the positions that picked r (except paddingIdx). */
export function embedding(indices: Tensor, weight: Tensor, paddingIdx: number | null = null): Tensor {
  if (!(indices instanceof Tensor)) throw new ArgumentError(`embedding: input must be a Tensor of indices, got ${typeof indices}`);
  if (!(weight instanceof Tensor) || weight.ndim !== 2) {
    throw new ShapeError(`embedding: weight must be a 2-D tensor (numEmbeddings, embeddingDim), got ${weight instanceof Tensor ? `shape ${formatShape(weight.shape)}` : typeof weight}`);
  }
  const [rows, dim] = weight.shape as [number, number];
  const src = indices.data;
  const picked = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = Number(src[i]);
    if (!Number.isInteger(v) || v < 0 || v >= rows) {
      throw new ArgumentError(`embedding: input holds ${v}, which is not an index in [0, ${rows - 1}] (numEmbeddings ${rows})`);
    }
    picked[i] = v;
  }
  const w = weight.data;
  const out = allocStorageToFill(weight.dtype, picked.length * dim);
  for (let i = 0; i < picked.length; i++) out.set(w.subarray(picked[i]! * dim, (picked[i]! + 1) * dim), i * dim);
  const result = new Tensor(out, [...indices.shape, dim]);
  if (!needsGraph(weight)) return result;
  return recordOp(result, "EmbeddingBackward0", [weight], [picked], (g) => {
    const r = allocStorage(g.dtype, rows * dim);
    const gd = g.data;
    for (let i = 0; i < picked.length; i++) {
      const row = picked[i]!;
      if (row === paddingIdx) continue;
      for (let k = 0; k < dim; k++) r[row * dim + k] += gd[i * dim + k]!;
    }
    return [scatteredGrad(new Tensor(r, [rows, dim]), g, "EmbeddingDenseBackwardBackward0", (gg) => pickRows(gg, indices, picked, paddingIdx))];
  }, DIFFERENTIABLE);
}

/** The adjoint of embedding's backward: the rows of `gg` that `indices` pick, 0 where they pick `paddingIdx`. */
function pickRows(gg: Tensor, indices: Tensor, picked: Int32Array, paddingIdx: number | null): Tensor {
  const rows = embedding(indices, gg);
  if (paddingIdx === null) return rows;
  const keep = allocStorage(gg.dtype, picked.length);
  for (let i = 0; i < picked.length; i++) keep[i] = picked[i] === paddingIdx ? 0 : 1;
  return rows.mul(new Tensor(keep, [...indices.shape, 1]));
}

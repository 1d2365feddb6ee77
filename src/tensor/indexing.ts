// Picking parts of a tensor: a row (index), a range of rows (slice), rows by indices (indexSelect),
// and per-position picks along a dim (gather, e.g. the score of each sample's class).
import { DIFFERENTIABLE, recordOp, scatteredGrad } from "./autograd.js";
import { allocStorage } from "./dtype.js";
import { ArgumentError, ShapeError } from "./errors.js";
import { formatShape, normalizeDim, shapeNumel } from "./shape.js";
import { aroundDim } from "./reduce.js";
import { Tensor } from "./tensor.js";

/** Row `i` of the first dim; negative `i` counts from the end. */
export function index(a: Tensor, i: number): Tensor {
  if (a.ndim === 0) throw new ArgumentError("index: cannot index a 0-d tensor");
  const n = a.shape[0]!;
  if (!Number.isInteger(i) || i < -n || i >= n) {
    throw new ArgumentError(`index: index ${i} is out of range for dim 0 of size ${n} (shape ${formatShape(a.shape)})`);
  }
  const row = i < 0 ? i + n : i;
  const rowShape = a.shape.slice(1);
  const size = shapeNumel(rowShape);
  const out = allocStorage(a.dtype, size);
  out.set(a.data.subarray(row * size, (row + 1) * size));
  const inShape = a.shape;
  return recordOp(new Tensor(out, rowShape), "SelectBackward0", [a], [], (g) => {
    const r = allocStorage(g.dtype, shapeNumel(inShape));
    r.set(g.data, row * size);
    return [scatteredGrad(new Tensor(r, inShape), g, "SelectBackwardBackward0", (gg) => index(gg, i))];
  }, DIFFERENTIABLE);
}

/** Rows `start..end-1` of the first dim, clamped and with negatives counted from the end (Python slicing). */
export function slice(a: Tensor, start: number, end?: number): Tensor {
  if (a.ndim === 0) throw new ArgumentError("slice: cannot slice a 0-d tensor");
  const n = a.shape[0]!;
  if (!Number.isInteger(start)) throw new ArgumentError(`slice: start must be an integer, got ${start}`);
  if (end !== undefined && !Number.isInteger(end)) throw new ArgumentError(`slice: end must be an integer, got ${end}`);
  const clamp = (v: number): number => Math.min(n, Math.max(0, v < 0 ? v + n : v));
  const s = clamp(start);
  const e = Math.max(s, end === undefined ? n : clamp(end));
  const rowSize = shapeNumel(a.shape.slice(1));
  const shape = [e - s, ...a.shape.slice(1)];
  const out = allocStorage(a.dtype, (e - s) * rowSize);
  out.set(a.data.subarray(s * rowSize, e * rowSize));
  const inShape = a.shape;
  return recordOp(new Tensor(out, shape), "SliceBackward0", [a], [], (g) => {
    const r = allocStorage(g.dtype, shapeNumel(inShape));
    r.set(g.data, s * rowSize);
    return [scatteredGrad(new Tensor(r, inShape), g, "SliceBackwardBackward0", (gg) => slice(gg, start, end))];
  }, DIFFERENTIABLE);
}

/** Integer positions from a tensor or array, checked against `size`. */
function readIndices(indices: Tensor | readonly number[], size: number, op: string, arg: string): Int32Array {
  const src = indices instanceof Tensor ? indices.data : indices;
  const out = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    if (!Number.isInteger(v) || v < -size || v >= size) {
      throw new ArgumentError(`${op}: ${arg} holds ${v}, which is not an integer in [${-size}, ${size - 1}]`);
    }
    out[i] = v < 0 ? v + size : v;
  }
  return out;
}

/** The slices at `indices` along `dim` (like torch.index_select), e.g. a shuffled mini-batch. */
export function indexSelect(a: Tensor, dim: number, indices: Tensor | readonly number[]): Tensor {
  const d = normalizeDim(dim, a.ndim, "indexSelect");
  if (indices instanceof Tensor && indices.ndim > 1) {
    throw new ShapeError(`indexSelect: indices must be 1-D, got shape ${formatShape(indices.shape)}`);
  }
  const { outer, size, inner } = aroundDim(a.shape, d);
  const idx = readIndices(indices, size, "indexSelect", "indices");
  const k = idx.length;
  const shape = [...a.shape];
  if (a.ndim > 0) shape[d] = k;
  const out = allocStorage(a.dtype, outer * k * inner);
  const src = a.data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const from = (o * size + idx[j]!) * inner;
      out.set(src.subarray(from, from + inner), (o * k + j) * inner);
    }
  }
  const inShape = a.shape;
  return recordOp(new Tensor(out, shape), "IndexSelectBackward0", [a], [idx], (g) => {
    const r = allocStorage(g.dtype, shapeNumel(inShape));
    const gd = g.data;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < k; j++) {
        const to = (o * size + idx[j]!) * inner;
        const from = (o * k + j) * inner;
        for (let t = 0; t < inner; t++) r[to + t]! += gd[from + t]!;
      }
    }
    return [scatteredGrad(new Tensor(r, inShape), g, "IndexAddBackward0", (gg) => indexSelect(gg, dim, indices))];
  }, DIFFERENTIABLE);
}

/**
 * out[i][j][k] = a[index[i][j][k]][j][k] for dim 0, a[i][index[i][j][k]][k] for dim 1, ... (torch.gather);
 * backward adds each gradient back at the gathered position.
 */
export function gather(a: Tensor, dim: number, index: Tensor): Tensor {
  if (!(index instanceof Tensor)) throw new ArgumentError("gather: index must be a Tensor");
  const d = normalizeDim(dim, a.ndim, "gather");
  if (index.ndim !== a.ndim) {
    throw new ShapeError(`gather: index ${formatShape(index.shape)} must have as many dims as input ${formatShape(a.shape)}`);
  }
  for (let i = 0; i < a.ndim; i++) {
    if (i !== d && index.shape[i]! > a.shape[i]!) {
      throw new ShapeError(`gather: index ${formatShape(index.shape)} is larger than input ${formatShape(a.shape)} in dim ${i}`);
    }
  }
  const size = a.ndim === 0 ? 1 : a.shape[d]!;
  const idx = readIndices(index, size, "gather", "index");
  // Map each output position to its flat input position.
  const n = index.numel();
  const nd = a.ndim;
  const pos = new Int32Array(n);
  const inStrides: number[] = new Array<number>(nd);
  let st = 1;
  for (let i = nd - 1; i >= 0; i--) {
    inStrides[i] = st;
    st *= a.shape[i]!;
  }
  const counter = new Array<number>(nd).fill(0);
  for (let i = 0; i < n; i++) {
    let p = 0;
    for (let k = 0; k < nd; k++) p += (k === d ? idx[i]! : counter[k]!) * inStrides[k]!;
    pos[i] = p;
    for (let k = nd - 1; k >= 0; k--) {
      if (++counter[k]! < index.shape[k]!) break;
      counter[k] = 0;
    }
  }
  const out = allocStorage(a.dtype, n);
  const src = a.data;
  for (let i = 0; i < n; i++) out[i] = src[pos[i]!]!;
  const inShape = a.shape;
  return recordOp(new Tensor(out, index.shape), "GatherBackward0", [a], [pos], (g) => {
    const r = allocStorage(g.dtype, shapeNumel(inShape));
    const gd = g.data;
    for (let i = 0; i < n; i++) r[pos[i]!]! += gd[i]!;
    return [scatteredGrad(new Tensor(r, inShape), g, "ScatterAddBackward0", (gg) => gather(gg, dim, index))];
  }, DIFFERENTIABLE);
}

// Where a tensor is nonzero: PyTorch's `x.nonzero()`, and the index lists a bool mask stands for in `x[mask]`.
import { allocStorage } from "./dtype.js";
import { stridesOf } from "./shape.js";
import { Tensor } from "./tensor.js";

/** The positions of the nonzero elements of `t`, one list per dim (row-major order of the elements). */
export function nonzeroColumns(t: Tensor): number[][] {
  const columns: number[][] = t.shape.map(() => []);
  const strides = stridesOf(t.shape);
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (d[i] === 0) continue;
    for (let k = 0, rest = i; k < t.ndim; k++) {
      columns[k]!.push(Math.floor(rest / strides[k]!));
      rest %= strides[k]!;
    }
  }
  return columns;
}

/** `x.nonzero()`: an int64 tensor of shape (count, ndim), one row per nonzero element. */
export function nonzero(t: Tensor): Tensor {
  const columns = nonzeroColumns(t);
  const count = t.ndim === 0 ? (t.data[0] === 0 ? 0 : 1) : columns[0]!.length;
  const out = allocStorage("int64", count * t.ndim);
  for (let r = 0; r < count; r++) for (let k = 0; k < t.ndim; k++) out[r * t.ndim + k] = columns[k]![r]!;
  return new Tensor(out, [count, t.ndim]);
}

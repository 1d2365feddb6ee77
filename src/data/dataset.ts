import { ArgumentError, ShapeError, Tensor, stack, tensor } from "../tensor/index.js";
import { formatShape } from "../tensor/shape.js";

/** What a DataLoader reads: a length and items made of tensors (PyTorch's map-style Dataset). */
export interface Dataset<T extends Tensor[] = Tensor[]> {
  readonly length: number;
  /** The item at `index`, one tensor per field (e.g. `[input, target]`). */
  get(index: number): T;
  /** Optional fast path: the items at `indices` already stacked along a new first dimension. */
  getBatch?(indices: readonly number[]): T;
}

/** A dataset wrapping tensors that share their first dimension; item i is row i of each. */
export class TensorDataset<T extends Tensor[] = [Tensor, Tensor]> implements Dataset<T> {
  readonly tensors: T;

  constructor(...tensors: T) {
    if (tensors.length === 0) throw new ArgumentError("TensorDataset: needs at least one tensor");
    const lengths = tensors.map((t) => (t.ndim === 0 ? NaN : t.shape[0]!));
    if (lengths.some((n) => n !== lengths[0])) {
      const shapes = tensors.map((t) => formatShape(t.shape)).join(", ");
      throw new ShapeError(`TensorDataset: size mismatch between tensors, first dimensions differ: ${shapes}`);
    }
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  get(index: number): T {
    this.checkIndex(index);
    return this.tensors.map((t) => t.index(index)) as T;
  }

  /** Copies the rows at `indices` of every tensor into new tensors (no autograd history). */
  getBatch(indices: readonly number[]): T {
    for (const i of indices) this.checkIndex(i);
    return this.tensors.map((t) => gatherRows(t, indices)) as T;
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new ArgumentError(`TensorDataset: index ${index} is out of range for a dataset of length ${this.length}`);
    }
  }
}

function gatherRows(t: Tensor, indices: readonly number[]): Tensor {
  const rowSize = t.numel() / t.shape[0]!;
  // float64 holds every other dtype's values exactly; tensor() converts to t's dtype.
  const out = t.dtype === "float32" ? new Float32Array(indices.length * rowSize) : new Float64Array(indices.length * rowSize);
  indices.forEach((row, k) => out.set(t.data.subarray(row * rowSize, (row + 1) * rowSize), k * rowSize));
  return tensor(out, { dtype: t.dtype, shape: [indices.length, ...t.shape.slice(1)] });
}

/** Stacks items field by field along a new first dimension (PyTorch's default collate). */
export function collate<T extends Tensor[]>(items: readonly T[]): T {
  const fields = items[0]!.length;
  return Array.from({ length: fields }, (_, k) => stack(items.map((item) => item[k]!), 0)) as T;
}

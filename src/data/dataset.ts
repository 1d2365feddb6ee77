import { ArgumentError, ShapeError, Tensor, stack, tensor } from "../tensor/index.js";
import { formatShape } from "../tensor/shape.js";

/**
 * What a DataLoader reads: a length and items (PyTorch's map-style Dataset). Items are usually tensors,
 * one per field (`[input, target]`); anything else needs a `collateFn` or `collate`'s rules.
 */
export interface Dataset<T = Tensor[]> {
  readonly length: number;
  /** The item at `index`, e.g. `[input, target]`. */
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

/**
 * PyTorch's `default_collate`: tensors are stacked along a new first dimension, numbers become a 1-D
 * tensor (float32: JS numbers do not say int or float), booleans a bool tensor, strings a list; arrays
 * (tuples) and plain objects are collated field by field.
 */
export function collate<T extends Tensor[]>(items: readonly T[]): T;
export function collate(items: readonly unknown[]): unknown;
export function collate(items: readonly unknown[]): unknown {
  return collateField(items, "batch");
}

function collateField(items: readonly unknown[], where: string): unknown {
  if (items.length === 0) throw new ArgumentError("collate: got an empty batch");
  const first = items[0];
  const kind = kindOf(first);
  items.forEach((item, i) => {
    if (kindOf(item) !== kind) throw new ArgumentError(`collate: ${where} mixes a ${kind} (item 0) and a ${kindOf(item)} (item ${i})`);
  });
  if (kind === "Tensor") return stack(items as Tensor[], 0);
  if (kind === "number") return tensor(items as number[]);
  if (kind === "boolean") return tensor(items as boolean[]);
  if (kind === "string") return [...items];
  if (kind === "array") {
    const n = (first as unknown[]).length;
    items.forEach((item, i) => {
      if ((item as unknown[]).length !== n) throw new ArgumentError(`collate: each element in ${where} should be of equal size (item 0 has ${n} fields, item ${i} has ${(item as unknown[]).length})`);
    });
    return Array.from({ length: n }, (_, k) => collateField(items.map((item) => (item as unknown[])[k]), `${where}[${k}]`));
  }
  if (kind === "object") {
    const keys = Object.keys(first as object);
    return Object.fromEntries(keys.map((k) => [k, collateField(items.map((item) => (item as Record<string, unknown>)[k]), `${where}.${k}`)]));
  }
  throw new ArgumentError(`collate: ${where} has items of type ${kind}, which the default collate cannot batch; pass a collateFn to the DataLoader`);
}

function kindOf(x: unknown): string {
  if (x instanceof Tensor) return "Tensor";
  if (Array.isArray(x)) return "array";
  if (x === null) return "null";
  if (typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype) return "object";
  if (typeof x === "object") return (x as object).constructor?.name ?? "object";
  return typeof x;
}

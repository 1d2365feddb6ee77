import { ArgumentError, randperm } from "../tensor/index.js";
import type { RandomGenerator } from "../tensor/generator.js";
import { checkOptions } from "../tensor/options.js";
import type { Dataset } from "./dataset.js";

/** The items of `dataset` at `indices`, in that order (PyTorch's `Subset`): item i is dataset's item indices[i]. */
export class Subset<T = unknown> implements Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: readonly number[];
  /** Present when the whole dataset has a batch fast path: the rows picked through `indices`. */
  readonly getBatch?: (indices: readonly number[]) => T;

  constructor(dataset: Dataset<T>, indices: Iterable<number>) {
    const source = dataset as Partial<Dataset<T>> | null | undefined;
    if (typeof source !== "object" || source === null || typeof source.get !== "function" || !Number.isInteger(source.length)) {
      throw new ArgumentError(`Subset: dataset should have a length and get(index), got ${source === null ? "null" : typeof source}`);
    }
    const picked = [...indices].map(Number);
    picked.forEach((i, k) => {
      if (!Number.isInteger(i) || i < 0 || i >= dataset.length) {
        throw new ArgumentError(`Subset: indices[${k}] = ${i} is out of range for a dataset of length ${dataset.length}`);
      }
    });
    this.dataset = dataset;
    this.indices = picked;
    const batch = dataset.getBatch?.bind(dataset);
    if (batch) this.getBatch = (rows) => batch(rows.map((r) => this.indices[this.checkIndex(r)]!));
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    return this.dataset.get(this.indices[this.checkIndex(index)]!);
  }

  private checkIndex(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.indices.length) {
      throw new ArgumentError(`Subset: index ${index} is out of range for a subset of length ${this.indices.length}`);
    }
    return index;
  }
}

/**
 * Splits `dataset` into non-overlapping random subsets (PyTorch's `random_split`). `lengths` are item
 * counts summing to the dataset's length, or fractions summing to 1: each gets ⌊n·fraction⌋ items and
 * the remainder is dealt one by one from the first. The order is `randperm(n, { generator })`.
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], options: { generator?: RandomGenerator } = {}): Subset<T>[] {
  checkOptions(options, ["generator"], "randomSplit");
  const n = (dataset as Partial<Dataset<T>> | null)?.length;
  if (!Number.isInteger(n)) throw new ArgumentError(`randomSplit: dataset should have a length and get(index), got ${dataset === null ? "null" : typeof dataset}`);
  if (!Array.isArray(lengths) || lengths.length === 0 || lengths.some((l) => typeof l !== "number" || !(l >= 0))) {
    throw new ArgumentError(`randomSplit: lengths should be a non-empty array of non-negative numbers, got ${JSON.stringify(lengths)}`);
  }
  const total = lengths.reduce((a, b) => a + b, 0);
  let sizes = [...lengths];
  // Python's math.isclose(total, 1) with its default relative tolerance.
  if (Math.abs(total - 1) <= 1e-9 && total <= 1) {
    lengths.forEach((f, i) => {
      if (f > 1) throw new ArgumentError(`randomSplit: Fraction at index ${i} is not between 0 and 1`);
    });
    sizes = lengths.map((f) => Math.floor(n! * f));
    const remainder = n! - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length]! += 1;
  } else if (sizes.some((l) => !Number.isInteger(l))) {
    throw new ArgumentError(`randomSplit: lengths should be integer counts or fractions summing to 1, got ${JSON.stringify(lengths)} (sum ${total})`);
  }
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum !== n) throw new ArgumentError(`randomSplit: Sum of input lengths (${sum}) does not equal the length of the input dataset (${n})!`);
  const order = (randperm(n!, { generator: options.generator }).tolist() as unknown[]).map(Number);
  let offset = 0;
  return sizes.map((size) => new Subset(dataset, order.slice(offset, (offset += size))));
}

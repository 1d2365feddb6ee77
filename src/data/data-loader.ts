import { ArgumentError, Tensor, rand } from "../tensor/index.js";
import { collate, type Dataset } from "./dataset.js";
import { mulberry32 } from "../tensor/generator.js";
import { permutation } from "./permutation.js";

export interface DataLoaderOptions {
  /** Items per batch (PyTorch's default 1). */
  batchSize?: number;
  /** Draw a new order every epoch. */
  shuffle?: boolean;
  /** Seed of the loader's own shuffle generator; without it the order comes from `manualSeed`'s RNG. */
  seed?: number;
  /** Drop the last batch when it is smaller than `batchSize`. */
  dropLast?: boolean;
}

/** Iterates a dataset in batches: `for (const [input, target] of loader)`. Each `for` is one epoch. */
export class DataLoader<T extends Tensor[] = [Tensor, Tensor]> implements Iterable<T> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: number | undefined;
  private readonly random: (() => number) | undefined;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions = {}) {
    const source = dataset as Partial<Dataset<T>> | null | undefined;
    if (typeof source !== "object" || source === null || typeof source.get !== "function" || !Number.isInteger(source.length)) {
      throw new ArgumentError(
        `DataLoader: dataset should have a length and get(index) (e.g. new data.TensorDataset(x, y)), got ${source === null ? "null" : typeof source}`,
      );
    }
    const { batchSize = 1, shuffle = false, seed, dropLast = false } = options;
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new ArgumentError(`DataLoader: batchSize should be a positive integer, got ${batchSize}`);
    }
    if (seed !== undefined && !Number.isFinite(seed)) {
      throw new ArgumentError(`DataLoader: seed should be a finite number, got ${seed}`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.seed = seed;
    this.random = seed === undefined ? undefined : mulberry32(seed);
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<T> {
    const order = this.epochOrder();
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const indices = order.slice(b * this.batchSize, (b + 1) * this.batchSize);
      yield this.dataset.getBatch
        ? this.dataset.getBatch(indices)
        : collate(indices.map((i) => this.dataset.get(i)));
    }
  }

  private epochOrder(): number[] {
    const n = this.dataset.length;
    if (!this.shuffle) return Array.from({ length: n }, (_, i) => i);
    // Without a seed, draw one from the library RNG so `manualSeed` makes the run reproducible.
    const random = this.random ?? mulberry32(Math.floor(rand([1]).item() * 4294967296));
    return permutation(n, random);
  }
}

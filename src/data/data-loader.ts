import { ArgumentError, Tensor, rand } from "../tensor/index.js";
import { RandomGenerator, mulberry32 } from "../tensor/generator.js";
import { checkOptions } from "../tensor/options.js";
import { collate, type Dataset } from "./dataset.js";
import { permutation } from "./permutation.js";

export interface DataLoaderOptions<T = Tensor[], B = T> {
  /** Items per batch (PyTorch's default 1). */
  batchSize?: number;
  /** Draw a new order every epoch. */
  shuffle?: boolean;
  /** Seed of the loader's own shuffle generator; without it (or `generator`) the order comes from `manualSeed`'s RNG. */
  seed?: number;
  /** The generator the shuffle draws from (PyTorch's `generator`). */
  generator?: RandomGenerator;
  /** Drop the last batch when it is smaller than `batchSize`. */
  dropLast?: boolean;
  /** Makes a batch from the list of items (PyTorch's `collate_fn`); default `collate` (stacks tensors). */
  collateFn?: (items: T[]) => B;
  /** Accepted for PyTorch code: tsgrad loads in the calling thread, so the batches are the same for any value. */
  numWorkers?: number;
}

const OPTIONS = ["batchSize", "shuffle", "seed", "generator", "dropLast", "collateFn", "numWorkers"] as const;

/**
 * Iterates a dataset in batches: `for (const [input, target] of loader)`. Each `for` is one epoch.
 * With `collateFn`, each batch is `collateFn(items)` for the batch's items, as in PyTorch.
 */
export class DataLoader<T = [Tensor, Tensor], B = T> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: number | undefined;
  readonly generator: RandomGenerator | undefined;
  readonly collateFn: ((items: T[]) => B) | undefined;
  readonly numWorkers: number;
  private readonly random: (() => number) | undefined;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const source = dataset as Partial<Dataset<T>> | null | undefined;
    if (typeof source !== "object" || source === null || typeof source.get !== "function" || !Number.isInteger(source.length)) {
      throw new ArgumentError(
        `DataLoader: dataset should have a length and get(index) (e.g. new data.TensorDataset(x, y)), got ${source === null ? "null" : typeof source}`,
      );
    }
    checkOptions(options, OPTIONS, "DataLoader");
    const { batchSize = 1, shuffle = false, seed, generator, dropLast = false, collateFn, numWorkers = 0 } = options;
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new ArgumentError(`DataLoader: batchSize should be a positive integer, got ${batchSize}`);
    }
    if (typeof shuffle !== "boolean") throw new ArgumentError(`DataLoader: shuffle should be true or false, got ${String(shuffle)}`);
    if (typeof dropLast !== "boolean") throw new ArgumentError(`DataLoader: dropLast should be true or false, got ${String(dropLast)}`);
    if (seed !== undefined && !Number.isFinite(seed)) {
      throw new ArgumentError(`DataLoader: seed should be a finite number, got ${seed}`);
    }
    if (generator !== undefined && !(generator instanceof RandomGenerator)) {
      throw new ArgumentError(`DataLoader: generator should be a RandomGenerator, got ${generator === null ? "null" : typeof generator}`);
    }
    if (seed !== undefined && generator !== undefined) throw new ArgumentError("DataLoader: give seed or generator, not both");
    if (collateFn !== undefined && typeof collateFn !== "function") {
      throw new ArgumentError(`DataLoader: collateFn should be a function of the batch's items, got ${collateFn === null ? "null" : typeof collateFn}`);
    }
    if (!Number.isInteger(numWorkers) || numWorkers < 0) {
      throw new ArgumentError(`DataLoader: numWorkers should be a non-negative integer, got ${numWorkers}`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.seed = seed;
    this.generator = generator;
    this.collateFn = collateFn;
    this.numWorkers = numWorkers;
    this.random = seed === undefined ? undefined : mulberry32(seed);
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<B> {
    const order = this.epochOrder();
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const indices = order.slice(b * this.batchSize, (b + 1) * this.batchSize);
      yield this.batch(indices);
    }
  }

  private batch(indices: number[]): B {
    if (this.collateFn) return this.collateFn(indices.map((i) => this.dataset.get(i)));
    // Without a collateFn B is T's default batch: the dataset's fast path or `collate` of its items.
    if (this.dataset.getBatch) return this.dataset.getBatch(indices) as unknown as B;
    return collate(indices.map((i) => this.dataset.get(i))) as B;
  }

  private epochOrder(): number[] {
    const n = this.dataset.length;
    if (!this.shuffle) return Array.from({ length: n }, (_, i) => i);
    if (this.generator) {
      const g = this.generator;
      return permutation(n, () => g.uniform());
    }
    // Without a seed, draw one from the library RNG so `manualSeed` makes the run reproducible.
    const random = this.random ?? mulberry32(Math.floor(rand([1]).item() * 4294967296));
    return permutation(n, random);
  }
}

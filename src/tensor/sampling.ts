// Sampling: random permutations and draws from categorical distributions, from the global generator
// or a `{ generator }` (makemore's `torch.multinomial(p, 1, replacement=True, generator=g)`).
import { allocStorage, checkDType, type DType } from "./dtype.js";
import { ArgumentError, ShapeError } from "./errors.js";
import { checkOptions } from "./options.js";
import { generatorOf, type RandomGenerator } from "./generator.js";
import { formatShape } from "./shape.js";
import { Tensor } from "./tensor.js";

/** `randperm(n)`: 0..n−1 in a random order (Fisher–Yates), int64 unless `dtype` says otherwise. */
export function randperm(n: number, opts: { generator?: RandomGenerator; dtype?: DType } = {}): Tensor {
  checkOptions(opts, ["generator", "dtype"], "randperm");
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`randperm: n must be a non-negative integer, got ${n}`);
  const g = generatorOf(opts.generator, "randperm");
  const out = allocStorage(opts.dtype === undefined ? "int64" : checkDType(opts.dtype, "randperm"), n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(g.uniform() * (i + 1));
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return new Tensor(out, [n]);
}

export interface MultinomialOptions {
  /** Draw with replacement (default false: each category at most once per row). */
  replacement?: boolean;
  generator?: RandomGenerator;
}

/**
 * `numSamples` category indices per row of `input` (1-D or 2-D non-negative weights, not necessarily
 * summing to 1), drawn with probability proportional to the weights (PyTorch's `torch.multinomial`); int64.
 */
export function multinomial(input: Tensor, numSamples: number, opts: MultinomialOptions = {}): Tensor {
  checkOptions(opts, ["replacement", "generator"], "multinomial");
  if (!(input instanceof Tensor)) throw new ArgumentError(`multinomial: input must be a Tensor, got ${typeof input}`);
  if (input.ndim !== 1 && input.ndim !== 2) throw new ShapeError(`multinomial: input must be 1-D or 2-D (weights per category), got shape ${formatShape(input.shape)}`);
  if (!Number.isInteger(numSamples) || numSamples <= 0) throw new ArgumentError(`multinomial: numSamples must be a positive integer, got ${numSamples}`);
  const replacement = opts.replacement === true;
  const g = generatorOf(opts.generator, "multinomial");
  const c = input.shape[input.ndim - 1]!;
  const rows = input.ndim === 1 ? 1 : input.shape[0]!;
  if (!replacement && numSamples > c) {
    throw new ArgumentError(`multinomial: cannot sample numSamples=${numSamples} > ${c} categories without replacement (pass { replacement: true })`);
  }
  const out = allocStorage("int64", rows * numSamples);
  const w = new Float64Array(c);
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let k = 0; k < c; k++) {
      const v = input.data[r * c + k]!;
      if (!(v >= 0) || v === Infinity) throw new ArgumentError(`multinomial: probability tensor contains either inf, nan or element < 0 (row ${r}, category ${k}: ${v})`);
      w[k] = v;
      total += v;
    }
    for (let s = 0; s < numSamples; s++) {
      if (!(total > 0)) throw new ArgumentError(`multinomial: invalid multinomial distribution (sum of probabilities <= 0) in row ${r}`);
      // Inverse CDF: the first category whose running sum passes u·total.
      const u = g.uniform() * total;
      let k = 0;
      let acc = w[0]!;
      while (acc <= u && k < c - 1) acc += w[++k]!;
      while (w[k] === 0 && k > 0) k--; // float rounding at the top end must not pick a zero-weight category
      out[r * numSamples + s] = k;
      if (!replacement) {
        total -= w[k]!;
        w[k] = 0;
      }
    }
  }
  return new Tensor(out, input.ndim === 1 ? [numSamples] : [rows, numSamples]);
}

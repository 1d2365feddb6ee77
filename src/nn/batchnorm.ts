import { ArgumentError, ShapeError, noGrad, tensor, type DType, type Tensor } from "../tensor/index.js";
import { checkSize } from "./linear.js";
import { Module, Parameter } from "./module.js";
import { formatShape } from "../tensor/shape.js";

export interface BatchNormOptions {
  eps?: number;
  /** Weight of the new batch in the running statistics; `null` for a cumulative average. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
  dtype?: DType;
}

function filled(shape: number[], value: number, dtype: DType): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
  data.fill(value);
  return tensor(data, { dtype, shape });
}

/**
 * Batch normalisation over the channels (dimension 1) of its input, the common part of PyTorch's
 * `BatchNorm1d` and `BatchNorm2d`:
 *
 *     y = (x − mean) / √(var + eps) · weight + bias
 *
 * with mean and var per channel, over every other dimension. In training, mean and the biased var
 * come from the batch (so a sample's output depends on the rest of its batch: gradient accumulation
 * over micro-batches is not the same as one large batch), and the running statistics move:
 * running ← (1 − momentum)·running + momentum·batch, with the unbiased var (× n/(n−1)) for
 * `runningVar`. In eval, the running statistics are used.
 */
abstract class BatchNorm extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Tensor | null;
  bias: Tensor | null;
  declare runningMean: Tensor | null;
  declare runningVar: Tensor | null;
  declare numBatchesTracked: Tensor | null;
  readonly #name: string;
  readonly #ranks: readonly number[];

  /** `name` for messages; `ranks` the input ranks the layer takes ("N x C" first). */
  protected constructor(name: string, ranks: readonly number[], numFeatures: number, options: BatchNormOptions) {
    super();
    const { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true, dtype = "float32" } = options;
    checkSize(name, "numFeatures", numFeatures);
    if (!(eps > 0)) throw new ArgumentError(`${name}: eps should be > 0, got ${eps}`);
    if (momentum !== null && !(momentum >= 0 && momentum <= 1)) throw new ArgumentError(`${name}: momentum should be in [0, 1] or null, got ${momentum}`);
    this.#name = name;
    this.#ranks = ranks;
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    this.weight = affine ? Parameter(filled([numFeatures], 1, dtype)) : null;
    this.bias = affine ? Parameter(filled([numFeatures], 0, dtype)) : null;
    this.registerBuffer("runningMean", trackRunningStats ? filled([numFeatures], 0, dtype) : null);
    this.registerBuffer("runningVar", trackRunningStats ? filled([numFeatures], 1, dtype) : null);
    this.registerBuffer("numBatchesTracked", trackRunningStats ? filled([], 0, dtype) : null);
  }

  forward(input: Tensor): Tensor {
    const c = this.numFeatures;
    if (!this.#ranks.includes(input.ndim) || input.shape[1] !== c) {
      const expected = this.#ranks.map((r) => ({ 2: `(N x ${c})`, 3: `(N x ${c} x L)`, 4: `(N x ${c} x H x W)` })[r]);
      throw new ShapeError(`${this.#name}: expected input of shape ${expected.join(" or ")}, got ${formatShape(input.shape)}`);
    }
    const dims = input.shape.map((_, i) => i).filter((i) => i !== 1);
    const statShape = input.shape.map((_, i) => (i === 1 ? c : 1));
    const useBatchStats = this.training || !this.trackRunningStats;
    let mean: Tensor;
    let variance: Tensor;
    if (useBatchStats) {
      const n = input.numel() / c;
      if (n <= 1) throw new ArgumentError(`${this.#name}: expected more than 1 value per channel when training, got input of shape ${formatShape(input.shape)}`);
      mean = input.mean(dims, true);
      const centered = input.sub(mean);
      variance = centered.mul(centered).mean(dims, true);
      if (this.training && this.trackRunningStats) this.updateRunningStats(mean, variance, n);
    } else {
      mean = this.runningMean!.reshape(statShape);
      variance = this.runningVar!.reshape(statShape);
    }
    let out = input.sub(mean).div(variance.add(this.eps).sqrt());
    if (this.weight && this.bias) out = out.mul(this.weight.reshape(statShape)).add(this.bias.reshape(statShape));
    return out;
  }

  private updateRunningStats(mean: Tensor, variance: Tensor, n: number): void {
    noGrad(() => {
      const tracked = this.numBatchesTracked!.data;
      tracked[0] = tracked[0]! + 1;
      const m = this.momentum ?? 1 / tracked[0]!;
      const rm = this.runningMean!.data;
      const rv = this.runningVar!.data;
      const bm = mean.data;
      const bv = variance.data;
      for (let i = 0; i < rm.length; i++) {
        rm[i] = (1 - m) * rm[i]! + m * bm[i]!;
        rv[i] = (1 - m) * rv[i]! + m * bv[i]! * (n / (n - 1));
      }
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Batch normalisation over [N, C] or [N, C, L] inputs, PyTorch's `BatchNorm1d` (statistics per feature C). */
export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super("BatchNorm1d", [2, 3], numFeatures, options);
  }
}

/** Batch normalisation over [N, C, H, W] images, PyTorch's `BatchNorm2d` (statistics per channel C, over N, H and W). */
export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super("BatchNorm2d", [4], numFeatures, options);
  }
}

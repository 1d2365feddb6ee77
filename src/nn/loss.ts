import { ArgumentError, ShapeError, tensor, type Tensor } from "../tensor/index.js";
import { crossEntropyIndices } from "../tensor/softmax.js";
import { Module } from "./module.js";
import { formatShape } from "../tensor/shape.js";

export type Reduction = "mean" | "sum" | "none";

/** Base of the losses: `forward(input, target)` and a `reduction` of the per-sample losses. */
export abstract class Loss extends Module {
  readonly reduction: Reduction;

  constructor({ reduction = "mean" }: { reduction?: Reduction } = {}) {
    super();
    if (reduction !== "mean" && reduction !== "sum" && reduction !== "none") {
      throw new ArgumentError(`${new.target.name}: reduction should be "mean", "sum" or "none", got ${JSON.stringify(reduction)}`);
    }
    this.reduction = reduction;
  }

  abstract override forward(input: Tensor, target: Tensor): Tensor;

  protected reduce(losses: Tensor): Tensor {
    if (this.reduction === "none") return losses;
    return this.reduction === "sum" ? losses.sum() : losses.mean();
  }

  override extraRepr(): string {
    return this.reduction === "mean" ? "" : `reduction="${this.reduction}"`;
  }
}

/** Mean squared error: ℓ = (input − target)², reduced. Input and target must have the same shape. */
export class MSELoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    if (input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
      throw new ShapeError(`MSELoss: input ${formatShape(input.shape)} and target ${formatShape(target.shape)} must have the same shape`);
    }
    const diff = input.sub(target);
    return this.reduce(diff.mul(diff));
  }
}

export interface ClassLossOptions {
  reduction?: Reduction;
  /** A weight per class ([C]); the mean then divides by the summed weights of the targets. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing and do not count in the mean (PyTorch's −100). */
  ignoreIndex?: number;
}

/**
 * PyTorch's other layouts of class scores, flattened to the (N, C) this file computes on: (C) with a
 * 0-d target, and (N, C, d1, …) with targets (N, d1, …) (or probabilities of the input's shape), the
 * class dim moved last. Null for (N, C). `outShape` is the shape of the unreduced losses.
 */
function classesLast(input: Tensor, target: Tensor, owner: string): { input: Tensor; target: Tensor; outShape: number[] } | null {
  if (input.ndim === 2) return null;
  if (input.ndim === 0) throw new ShapeError(`${owner}: expected input with class scores of shape (C), (N x C) or (N x C x d1 ...), got a 0-d tensor`);
  // Class probabilities are float; integer targets are always class indices (as PyTorch).
  const probabilities = target.isFloatingPoint() && target.ndim === input.ndim && target.shape.every((d, i) => d === input.shape[i]);
  if (input.ndim === 1) {
    if (!probabilities && target.ndim !== 0) {
      throw new ShapeError(`${owner}: for input ${formatShape(input.shape)} (one sample's class scores) the target should be a 0-d class index, got ${formatShape(target.shape)}`);
    }
    return { input: input.unsqueeze(0), target: probabilities ? target.unsqueeze(0) : target.reshape(1), outShape: [] };
  }
  const c = input.shape[1]!;
  const perm = [0, ...input.shape.slice(2).map((_, i) => i + 2), 1];
  const outShape = input.shape.filter((_, i) => i !== 1);
  if (probabilities) return { input: input.permute(perm).reshape(-1, c), target: target.permute(perm).reshape(-1, c), outShape };
  if (target.ndim !== outShape.length || target.shape.some((d, i) => d !== outShape[i])) {
    throw new ShapeError(`${owner}: expected target of shape (${outShape.join("x")}) with class indices for input ${formatShape(input.shape)}, got ${formatShape(target.shape)}`);
  }
  return { input: input.permute(perm).reshape(-1, c), target: target.reshape(-1), outShape };
}

/**
 * Base of the losses over class indices. It turns the targets into one coefficient per (sample, class),
 *
 *     a[i, c] = w[y_i]·(1 − ε)·[c = y_i] + ε/C·w[c]     (0 for ignored samples)
 *
 * so that ℓ_i = −Σ_c a[i, c]·logp[i, c], and "mean" divides Σ_i ℓ_i by Σ_i w[y_i] over the samples not
 * ignored (N when there are no weights). ε is the label smoothing (0 for NLLLoss).
 */
abstract class ClassIndexLoss extends Loss {
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;

  constructor({ reduction, weight = null, ignoreIndex = -100 }: ClassLossOptions = {}) {
    super({ reduction });
    if (weight !== null && weight.ndim !== 1) {
      throw new ShapeError(`${new.target.name}: weight should be a 1-D tensor with one weight per class, got ${formatShape(weight.shape)}`);
    }
    if (!Number.isInteger(ignoreIndex)) throw new ArgumentError(`${new.target.name}: ignoreIndex should be an integer, got ${ignoreIndex}`);
    this.weight = weight;
    this.ignoreIndex = ignoreIndex;
  }

  protected checkScores(input: Tensor): void {
    if (input.ndim !== 2) {
      throw new ShapeError(`${this.constructor.name}: expected input of shape (N x C) with class scores, got ${formatShape(input.shape)}`);
    }
  }

  /** Unreduced losses of flattened (N·d…, C) scores back in the shape (N, d…). */
  protected unflatten(losses: Tensor, outShape: readonly number[]): Tensor {
    return this.reduction === "none" ? losses.reshape([...outShape]) : losses;
  }

  /** −Σ_c a[i, c]·logp[i, c] reduced, for log-probabilities `logp` [N, C] and class indices `target` [N]. */
  protected classLoss(logp: Tensor, target: Tensor, labelSmoothing: number): Tensor {
    const owner = this.constructor.name;
    this.checkScores(logp);
    const [n, c] = logp.shape as [number, number];
    if (target.ndim !== 1) {
      throw new ShapeError(`${owner}: expected target of shape (${n}) with class indices for input ${formatShape(logp.shape)}, got ${formatShape(target.shape)}`);
    }
    if (target.shape[0] !== n) {
      throw new ShapeError(
        `${owner}: input batch size ${n} does not match target batch size ${target.shape[0]} (input ${formatShape(logp.shape)}, target ${formatShape(target.shape)})`,
      );
    }
    if (this.weight && this.weight.numel() !== c) {
      throw new ShapeError(`${owner}: weight ${formatShape(this.weight.shape)} should have one entry per class, input ${formatShape(logp.shape)} has ${c} classes`);
    }
    const w = (k: number): number => (this.weight ? this.weight.data[k]! : 1);
    const coef = logp.dtype === "float64" ? new Float64Array(n * c) : new Float32Array(n * c);
    let total = 0;
    target.data.forEach((k, i) => {
      if (k === this.ignoreIndex) return;
      if (!Number.isInteger(k)) throw new ArgumentError(`${owner}: target ${k} at position ${i} is not a class index (an integer)`);
      if (k < 0 || k >= c) throw new ArgumentError(`${owner}: target ${k} at position ${i} is out of bounds for ${c} classes (0..${c - 1})`);
      for (let j = 0; j < c; j++) coef[i * c + j] = (labelSmoothing / c) * w(j);
      coef[i * c + k] += (1 - labelSmoothing) * w(k);
      total += w(k);
    });
    const losses = logp.mul(tensor(coef, { dtype: logp.dtype, shape: [n, c] })).sum(1).neg();
    if (this.reduction === "none") return losses;
    if (this.reduction === "sum") return losses.sum();
    // All-ignored batches give 0/0 = NaN, as PyTorch.
    return this.weight === null && total === n ? losses.mean() : losses.sum().div(total);
  }

  override extraRepr(): string {
    const parts = [super.extraRepr()];
    if (this.weight) parts.push(`weight=[${[...this.weight.data].join(", ")}]`);
    if (this.ignoreIndex !== -100) parts.push(`ignoreIndex=${this.ignoreIndex}`);
    return parts.filter(Boolean).join(", ");
  }
}

/** Negative log-likelihood of class indices given log-probabilities [N, C]: ℓ_i = −w[y_i]·input[i, y_i]. */
export class NLLLoss extends ClassIndexLoss {
  forward(input: Tensor, target: Tensor): Tensor {
    const flat = classesLast(input, target, "NLLLoss");
    if (flat !== null) return this.unflatten(this.forward(flat.input, flat.target), flat.outShape);
    return this.classLoss(input, target, 0);
  }
}

/**
 * Cross-entropy of class indices given unnormalised scores (logits) [N, C]:
 * ℓ_i = −log softmax(input_i)[y_i] = logsumexp(input_i) − input[i, y_i], through a stable logSoftmax.
 * With `labelSmoothing` ε the target is (1 − ε)·onehot + ε/C. A target of the input's shape is read
 * as class probabilities: ℓ_i = −Σ_c t_ic·log softmax(input_i)_c (mean over N).
 */
export class CrossEntropyLoss extends ClassIndexLoss {
  readonly labelSmoothing: number;

  constructor(options: ClassLossOptions & { labelSmoothing?: number } = {}) {
    super(options);
    const { labelSmoothing = 0 } = options;
    if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
      throw new ArgumentError(`CrossEntropyLoss: labelSmoothing should be in [0, 1], got ${labelSmoothing}`);
    }
    this.labelSmoothing = labelSmoothing;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    const flat = classesLast(input, target, "CrossEntropyLoss");
    if (flat !== null) return this.unflatten(this.forward(flat.input, flat.target), flat.outShape);
    this.checkScores(input);
    const probabilities = target.isFloatingPoint() && input.ndim === 2 && target.ndim === 2 && input.shape[0] === target.shape[0] && input.shape[1] === target.shape[1];
    if (probabilities) {
      if (this.weight || this.labelSmoothing) {
        throw new ArgumentError("CrossEntropyLoss: weight and labelSmoothing are only supported with class-index targets");
      }
      return this.reduce(input.logSoftmax(1).mul(target).sum(1).neg());
    }
    const targets = this.weight === null && this.labelSmoothing === 0 && this.reduction !== "none" ? this.plainTargets(input, target) : null;
    if (targets !== null) return crossEntropyIndices(input, targets, this.reduction as "mean" | "sum");
    return this.classLoss(input.logSoftmax(1), target, this.labelSmoothing);
  }

  /**
   * The class indices as integers when every one is valid and none is ignored (the fused loss's
   * case); null otherwise, leaving the general path to compute the loss or to report the problem.
   */
  private plainTargets(input: Tensor, target: Tensor): Int32Array | null {
    const [n, c] = input.shape as [number, number];
    if (target.ndim !== 1 || target.shape[0] !== n) return null;
    const td = target.data;
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = td[i]!;
      if (!(Number.isInteger(k) && k >= 0 && k < c) || k === this.ignoreIndex) return null;
      out[i] = k;
    }
    return out;
  }

  override extraRepr(): string {
    const base = super.extraRepr();
    return this.labelSmoothing ? [base, `labelSmoothing=${this.labelSmoothing}`].filter(Boolean).join(", ") : base;
  }
}

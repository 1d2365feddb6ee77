import { ArgumentError, ShapeError, tensor, type Tensor } from "../tensor/index.js";
import { Module } from "./module.js";

export type Reduction = "mean" | "sum" | "none";

function shapeOf(t: Tensor): string {
  return `(${t.shape.join("x")})`;
}

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
      throw new ShapeError(`MSELoss: input ${shapeOf(input)} and target ${shapeOf(target)} must have the same shape`);
    }
    const diff = input.sub(target);
    return this.reduce(diff.mul(diff));
  }
}

/**
 * Checks class-index targets against [N, C] scores and returns a one-hot [N, C] tensor of them
 * (no grad), through which the scores of the target classes are picked.
 */
function oneHotTargets(owner: string, input: Tensor, target: Tensor): Tensor {
  if (input.ndim !== 2) {
    throw new ShapeError(`${owner}: expected input of shape (N x C) with class scores, got ${shapeOf(input)}`);
  }
  const [n, c] = input.shape as [number, number];
  if (target.ndim !== 1) {
    throw new ShapeError(`${owner}: expected target of shape (${n}) with class indices for input ${shapeOf(input)}, got ${shapeOf(target)}`);
  }
  if (target.shape[0] !== n) {
    throw new ShapeError(
      `${owner}: input batch size ${n} does not match target batch size ${target.shape[0]} (input ${shapeOf(input)}, target ${shapeOf(target)})`,
    );
  }
  const hot = input.dtype === "float64" ? new Float64Array(n * c) : new Float32Array(n * c);
  target.data.forEach((k, i) => {
    if (!Number.isInteger(k)) throw new ArgumentError(`${owner}: target ${k} at position ${i} is not a class index (an integer)`);
    if (k < 0 || k >= c) throw new ArgumentError(`${owner}: target ${k} at position ${i} is out of bounds for ${c} classes (0..${c - 1})`);
    hot[i * c + k] = 1;
  });
  return tensor(hot, { dtype: input.dtype, shape: [n, c] });
}

/** Negative log-likelihood of class indices given log-probabilities [N, C]: ℓ_i = −input[i, target_i]. */
export class NLLLoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    const hot = oneHotTargets("NLLLoss", input, target);
    return this.reduce(input.mul(hot).sum(1).neg());
  }
}

/**
 * Cross-entropy of class indices given unnormalised scores (logits) [N, C]:
 * ℓ_i = −log softmax(input_i)[target_i] = logsumexp(input_i) − input[i, target_i], computed through a
 * stable logSoftmax. A target of the input's shape is read as class probabilities: ℓ_i = −Σ_c t_ic·log softmax(input_i)_c.
 */
export class CrossEntropyLoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    const sameShape = input.ndim === 2 && target.ndim === 2 && input.shape[0] === target.shape[0] && input.shape[1] === target.shape[1];
    const weights = sameShape ? target : oneHotTargets("CrossEntropyLoss", input, target);
    return this.reduce(input.logSoftmax(1).mul(weights).sum(1).neg());
  }
}

import { ArgumentError, ones, zeros, type DType, type Tensor } from "../tensor/index.js";
import { checkOptions } from "../tensor/options.js";
import { layerNorm } from "./functional.js";
import { Module, Parameter } from "./module.js";

export interface LayerNormOptions {
  eps?: number;
  /** Learnable weight (ones) and bias (zeros) of `normalizedShape`; default true. */
  elementwiseAffine?: boolean;
  /** With `elementwiseAffine`: whether there is a bias; default true. */
  bias?: boolean;
  dtype?: DType;
}

/**
 * Layer normalisation over the last dims (`normalizedShape`), per sample, the same in training and
 * evaluation: y = (x − mean) / √(var + eps) · weight + bias, var the biased variance.
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Tensor | null;
  bias: Tensor | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    checkOptions(options, ["eps", "elementwiseAffine", "bias", "dtype"], "LayerNorm");
    const { eps = 1e-5, elementwiseAffine = true, bias = true, dtype = "float32" } = options;
    const shape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    if (shape.length === 0 || shape.some((s) => !Number.isInteger(s) || s <= 0)) {
      throw new ArgumentError(`LayerNorm: normalizedShape must be a positive integer or a non-empty array of them, got ${JSON.stringify(normalizedShape)}`);
    }
    if (!(eps > 0)) throw new ArgumentError(`LayerNorm: eps should be > 0, got ${eps}`);
    this.normalizedShape = Object.freeze(shape);
    this.eps = eps;
    this.elementwiseAffine = elementwiseAffine;
    this.weight = elementwiseAffine ? Parameter(ones(shape, { dtype })) : null;
    this.bias = elementwiseAffine && bias ? Parameter(zeros(shape, { dtype })) : null;
  }

  forward(input: Tensor): Tensor {
    return layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(", ")}], eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }
}

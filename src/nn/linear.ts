import { ArgumentError, ShapeError, linear, type DType, type Tensor } from "../tensor/index.js";
import { defaultInitBound, uniformParameter } from "./init.js";
import { Module } from "./module.js";
import { formatShape } from "../tensor/shape.js";

/** A fully connected layer: y = x·Wᵀ + b, W of shape [outFeatures, inFeatures]. */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Tensor;
  bias: Tensor | null;

  /** Weight and bias start from U(−1/√inFeatures, 1/√inFeatures), PyTorch's default. */
  constructor(inFeatures: number, outFeatures: number, { bias = true, dtype = "float32" }: { bias?: boolean; dtype?: DType } = {}) {
    super();
    checkSize("Linear", "inFeatures", inFeatures);
    checkSize("Linear", "outFeatures", outFeatures);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const bound = defaultInitBound(inFeatures);
    this.weight = uniformParameter([outFeatures, inFeatures], bound, dtype);
    this.bias = bias ? uniformParameter([outFeatures], bound, dtype) : null;
  }

  forward(input: Tensor): Tensor {
    const features = input.shape[input.ndim - 1];
    if (features !== this.inFeatures) {
      throw new ShapeError(`Linear: input of shape ${formatShape(input.shape)} has ${features} features, layer expects ${this.inFeatures}`);
    }
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

export function checkSize(owner: string, what: string, n: number): void {
  if (!Number.isInteger(n) || n <= 0) throw new ArgumentError(`${owner}: ${what} should be a positive integer, got ${n}`);
}

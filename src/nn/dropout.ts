import { ArgumentError, rand, tensor, type Tensor } from "../tensor/index.js";
import { Module } from "./module.js";

/**
 * In training, zeroes each element with probability p and scales the rest by 1/(1 − p), so the
 * expected value is unchanged; the mask comes from the seeded RNG (`manualSeed`). Identity in eval.
 */
export class Dropout extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ArgumentError(`Dropout: probability has to be between 0 and 1, but got ${p}`);
    this.p = p;
  }

  forward(input: Tensor): Tensor {
    if (!this.training || this.p === 0) return input;
    const u = rand([...input.shape], { dtype: input.dtype }).data;
    const keep = this.p === 1 ? 0 : 1 / (1 - this.p);
    const mask = input.dtype === "float64" ? new Float64Array(u.length) : new Float32Array(u.length);
    for (let i = 0; i < u.length; i++) mask[i] = u[i]! < this.p ? 0 : keep;
    return input.mul(tensor(mask, { dtype: input.dtype, shape: [...input.shape] }));
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

import { ArgumentError, dropout, type Tensor } from "../tensor/index.js";
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
    return dropout(input, this.p, this.training);
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

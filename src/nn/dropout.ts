import { ArgumentError, dropout, dropout2d, type Tensor } from "../tensor/index.js";
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

/**
 * In training, zeroes each channel of an [N, C, H, W] input (a whole feature map) with probability p
 * and scales the others by 1/(1 − p), as PyTorch's Dropout2d; the mask comes from the seeded RNG.
 * Identity in eval.
 */
export class Dropout2d extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ArgumentError(`Dropout2d: probability has to be between 0 and 1, but got ${p}`);
    this.p = p;
  }

  forward(input: Tensor): Tensor {
    return dropout2d(input, this.p, this.training);
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

import type { Tensor } from "../tensor/index.js";
import { checkApproximate, gelu as geluOp, type GeluApproximate } from "../tensor/gelu.js";
import { checkOptions } from "../tensor/options.js";
import { Module } from "./module.js";

/** max(0, x), element-wise. */
export class ReLU extends Module {
  forward(input: Tensor): Tensor {
    return input.relu();
  }
}

/** tanh(x), element-wise. */
export class Tanh extends Module {
  forward(input: Tensor): Tensor {
    return input.tanh();
  }
}

/** 1 / (1 + e^(−x)), element-wise. */
export class Sigmoid extends Module {
  forward(input: Tensor): Tensor {
    return input.sigmoid();
  }
}

/** softmax along `dim`. */
export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
  }

  forward(input: Tensor): Tensor {
    return input.softmax(this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** log(softmax(x)) along `dim`, computed stably. */
export class LogSoftmax extends Module {
  constructor(readonly dim: number) {
    super();
  }

  forward(input: Tensor): Tensor {
    return input.logSoftmax(this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** x·Φ(x) (Φ the standard normal CDF), or its tanh approximation with `{ approximate: "tanh" }`. */
export class GELU extends Module {
  readonly approximate: GeluApproximate;

  constructor(options: { approximate?: GeluApproximate } = {}) {
    super();
    checkOptions(options, ["approximate"], "GELU");
    this.approximate = checkApproximate(options.approximate, "GELU");
  }

  forward(input: Tensor): Tensor {
    return geluOp(input, this.approximate);
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

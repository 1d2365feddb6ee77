import { rand, type DType, type Tensor } from "../tensor/index.js";
import { Parameter } from "./module.js";

/** A parameter drawn from U(−bound, bound) with the library's seeded RNG (`manualSeed`). */
export function uniformParameter(shape: number[], bound: number, dtype: DType = "float32"): Tensor {
  const t = rand(shape, { dtype });
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = (2 * d[i]! - 1) * bound;
  return Parameter(t);
}

/**
 * PyTorch's default for Linear and Conv2d: kaiming_uniform(a = √5) for the weight and
 * U(−1/√fanIn, 1/√fanIn) for the bias, which both come to bound = 1/√fanIn.
 */
export function defaultInitBound(fanIn: number): number {
  return fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
}

// Variance and standard deviation over dims, each one graph node as in PyTorch.
import { DIFFERENTIABLE, needsGraph, recordOp } from "./autograd.js";
import { noGrad } from "./grad-mode.js";
import { checkFloating } from "./reduce.js";
import type { Tensor } from "./tensor.js";

/** Options of var/std: Bessel's correction (default on, as PyTorch 1.13) and keepdim. */
export interface VarianceOptions {
  unbiased?: boolean;
  keepdim?: boolean;
}

interface Moments {
  out: Tensor;
  denom: number;
  keepShape: readonly number[];
}

function moments(a: Tensor, dim: number | readonly number[] | undefined, opts: VarianceOptions, takeSqrt: boolean): Moments {
  return noGrad(() => {
    const m = a.mean(dim, true);
    const c = a.sub(m);
    const n = a.numel() / m.numel();
    const denom = opts.unbiased === false ? n : n - 1;
    const v = c.mul(c).sum(dim, opts.keepdim ?? false).div(denom);
    return { out: takeSqrt ? v.sqrt() : v, denom, keepShape: m.shape };
  });
}

/** var = Σ (x - mean)² / (N - 1) (or / N with `unbiased: false`); d/dx = 2(x - mean)/(N - 1). */
export function variance(a: Tensor, dim?: number | readonly number[], opts: VarianceOptions = {}): Tensor {
  checkFloating(a, "var");
  const { out, denom, keepShape } = moments(a, dim, opts, false);
  if (!needsGraph(a)) return out;
  const x = a;
  return recordOp(out, "VarBackward0", [a], [x], (g) => [x.sub(x.mean(dim, true)).mul(g.reshape(keepShape)).mul(2 / denom)], DIFFERENTIABLE);
}

/** std = √var; d/dx = (x - mean) / ((N - 1)·std). */
export function std(a: Tensor, dim?: number | readonly number[], opts: VarianceOptions = {}): Tensor {
  checkFloating(a, "std");
  const { out, denom, keepShape } = moments(a, dim, opts, true);
  if (!needsGraph(a)) return out;
  const x = a;
  const s = out;
  return recordOp(out, "StdBackward0", [a], [x, s], (g) => [
    x.sub(x.mean(dim, true)).mul(g.div(s).reshape(keepShape)).div(denom),
  ], DIFFERENTIABLE);
}

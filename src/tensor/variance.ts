// Variance and standard deviation, composed from differentiable ops.
import type { Tensor } from "./tensor.js";

/** var = Σ (x - mean)² / (N - 1) (or / N when `unbiased: false`), over `dim` or all elements. */
export function variance(
  a: Tensor,
  dim?: number | readonly number[],
  opts: { unbiased?: boolean; keepdim?: boolean } = {},
): Tensor {
  const keepdim = opts.keepdim ?? false;
  const m = a.mean(dim, true);
  const centered = a.sub(m);
  const sq = centered.mul(centered);
  const n = a.numel / m.numel;
  const denom = opts.unbiased === false ? n : n - 1;
  return sq.sum(dim, keepdim).div(denom);
}

/** std = √var. */
export function std(a: Tensor, dim?: number | readonly number[], opts: { unbiased?: boolean; keepdim?: boolean } = {}): Tensor {
  return variance(a, dim, opts).sqrt();
}

import { ArgumentError, Tensor } from "../tensor/index.js";

/**
 * Rescales the gradients of `params` in place so their joint norm is at most `maxNorm`, as
 * `torch.nn.utils.clip_grad_norm_`, and returns the total norm measured before clipping:
 *
 *     total = (Σ_p ‖g_p‖_q^q)^(1/q)   (q = ∞: max |g|)
 *     g ← g · min(1, maxNorm / (total + 1e-6))
 *
 * Parameters without a gradient are ignored; with none at all the norm is 0.
 */
export function clipGradNorm(
  params: Iterable<Tensor> | Tensor,
  maxNorm: number,
  normType: number = 2,
  { errorIfNonfinite = false }: { errorIfNonfinite?: boolean } = {},
): number {
  if (!(maxNorm >= 0)) throw new ArgumentError(`clipGradNorm: maxNorm should be a number ≥ 0, got ${maxNorm}`);
  if (!(normType > 0)) throw new ArgumentError(`clipGradNorm: normType should be > 0 or Infinity, got ${normType}`);
  const grads = gradientsOf(params);
  const total = gradNorm(grads, normType);
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new ArgumentError(`clipGradNorm: the total norm of order ${normType} of the gradients is non-finite (${total}), so they cannot be clipped`);
  }
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) {
    for (const g of grads) {
      const d = g.data;
      for (let i = 0; i < d.length; i++) d[i] = d[i]! * coef;
    }
  }
  return total;
}

/** Joint norm of order `normType` of the gradients of `params` (without changing them). */
export function totalGradNorm(params: Iterable<Tensor> | Tensor, normType: number = 2): number {
  return gradNorm(gradientsOf(params), normType);
}

function gradientsOf(params: Iterable<Tensor> | Tensor): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  return list.flatMap((p) => (p.grad ? [p.grad] : []));
}

function gradNorm(grads: readonly Tensor[], normType: number): number {
  if (normType === Infinity) {
    let max = 0;
    for (const g of grads) for (const x of g.data) max = Math.max(max, Math.abs(x));
    return max;
  }
  let sum = 0;
  for (const g of grads) {
    let s = 0;
    for (const x of g.data) s += Math.abs(x) ** normType;
    sum += s;
  }
  return sum ** (1 / normType);
}

// A generic gradient check: autograd's gradients against central finite differences, in float64.
import { manualSeed, noGrad, randn, type Tensor } from "../../src/tensor/index.js";

export interface GradcheckResult {
  ok: boolean;
  /** Largest |analytic - numeric| / max(1, |numeric|) over all inputs and elements. */
  worst: number;
  where: string;
}

/**
 * Checks d(Σ f(inputs) ⊙ R)/d(input) for a fixed random R (so non-scalar outputs are covered)
 * against (f(x + h) - f(x - h)) / 2h for every element of every input that requires grad.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], opts: { eps?: number; tol?: number } = {}): GradcheckResult {
  const eps = opts.eps ?? 1e-6;
  const tol = opts.tol ?? 1e-6;
  for (const t of inputs) {
    if (t.dtype !== "float64") throw new Error("gradcheck needs float64 inputs");
    t.grad = null;
  }
  const probe = fn(...inputs);
  manualSeed(987654);
  const weights = randn([...probe.shape], { dtype: "float64" });
  const scalar = (): number => noGrad(() => fn(...inputs).mul(weights).sum().item());
  fn(...inputs).mul(weights).sum().backward();
  let worst = 0;
  let where = "";
  inputs.forEach((t, k) => {
    if (!t.requiresGrad) return;
    const analytic = t.grad;
    if (analytic === null) {
      worst = Infinity;
      where = `input ${k} got no gradient`;
      return;
    }
    for (let i = 0; i < t.numel(); i++) {
      const orig = t.data[i]!;
      t.data[i] = orig + eps;
      const up = scalar();
      t.data[i] = orig - eps;
      const down = scalar();
      t.data[i] = orig;
      const numeric = (up - down) / (2 * eps);
      const err = Math.abs(analytic.data[i]! - numeric) / Math.max(1, Math.abs(numeric));
      if (!(err <= worst)) {
        worst = err;
        where = `input ${k}, element ${i}: analytic ${analytic.data[i]}, numeric ${numeric}`;
      }
    }
  });
  return { ok: worst <= tol, worst, where };
}

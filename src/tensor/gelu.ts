// GELU, x·Φ(x), exactly (through erf) or with PyTorch's tanh approximation, and the erf it needs
// (JavaScript's Math has none).
import { DIFFERENTIABLE, needsGraph, recordOp } from "./autograd.js";
import { isGradEnabled } from "./grad-mode.js";
import { allocStorageToFill, type DType, type Storage } from "./dtype.js";
import { ArgumentError } from "./errors.js";
import { checkFloating } from "./reduce.js";
import { Tensor } from "./tensor.js";

/** "none": x·Φ(x) with the exact normal CDF; "tanh": PyTorch's approximation. */
export type GeluApproximate = "none" | "tanh";

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const KAPPA = 0.044715;

/**
 * erfc(x) for x ≥ 0, to float64 precision: the Maclaurin series of erf below 2.5 (its terms peak
 * near 10, so at most one digit is lost), the continued fraction of erfc above (fast there).
 */
function erfcNonNegative(x: number): number {
  if (x < 2.5) {
    // erf x = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (x > 27) return 0;
  // erfc x = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated from the tail.
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  return x >= 0 ? 1 - erfcNonNegative(x) : erfcNonNegative(-x) - 1;
}

/** Φ(x) = ½·erfc(−x/√2), the standard normal CDF (accurate in both tails). */
function normalCdf(x: number): number {
  const z = x / Math.SQRT2;
  return z <= 0 ? 0.5 * erfcNonNegative(-z) : 1 - 0.5 * erfcNonNegative(z);
}

/** The `approximate` argument checked ("none" when omitted); `op` names the caller in the error. */
export function checkApproximate(v: unknown, op = "gelu"): GeluApproximate {
  if (v === undefined || v === "none" || v === "tanh") return v ?? "none";
  throw new ArgumentError(`${op}: approximate must be "none" or "tanh", got ${JSON.stringify(v)}`);
}

/**
 * GELU(x) = x·Φ(x); d/dx = Φ(x) + x·φ(x). With `approximate: "tanh"`:
 * ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³); d/dx = ½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²).
 */
export function gelu(a: Tensor, approximate?: GeluApproximate): Tensor {
  const mode = checkApproximate(approximate, "F.gelu");
  checkFloating(a, "gelu");
  const x = a.data;
  const out = allocStorageToFill(a.dtype, x.length);
  if (mode === "none") for (let i = 0; i < x.length; i++) out[i] = x[i]! * normalCdf(x[i]!);
  else {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      out[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + KAPPA * v * v * v)));
    }
  }
  const result = new Tensor(out, a.shape);
  if (!needsGraph(a)) return result;
  const saved = a;
  return recordOp(result, "GeluBackward0", [a], [saved], (g) => {
    const s = saved.data;
    const gd = g.data;
    if (isGradEnabled()) {
      // Under createGraph: g·gelu'(x) as a node of g and x whose backward uses gelu''(x); a third
      // order through it is refused (its node is not differentiable).
      const asTensor = (d: Float64Array): Tensor => new Tensor(castStorage(d, g.dtype), g.shape);
      const slope = asTensor(geluDerivatives(s, mode, false));
      return [recordOp(g.detach().mul(slope), "GeluBackwardBackward0", [g, saved], [], (gg, needs) => [
        needs[0] ? gg.mul(slope) : null,
        needs[1] ? gg.mul(g).mul(asTensor(geluDerivatives(s, mode, true))) : null,
      ])];
    }
    const d = geluDerivatives(s, mode, false);
    const r = allocStorageToFill(g.dtype, gd.length);
    for (let i = 0; i < gd.length; i++) r[i] = gd[i]! * d[i]!;
    return [new Tensor(r, g.shape)];
  }, DIFFERENTIABLE);
}

/** `d` in a storage of `dtype`. */
function castStorage(d: Float64Array, dtype: DType): Storage {
  const r = allocStorageToFill(dtype, d.length);
  r.set(d);
  return r;
}

/**
 * gelu'(x) for each element, or with `second` gelu''(x): for "none" φ(x)(2 − x²); for "tanh"
 * (1 − t²)(u' − x·t·u'² + ½x·u''), t = tanh u, u' = √(2/π)(1 + 3·0.044715x²), u'' = √(2/π)·6·0.044715x.
 */
function geluDerivatives(s: Storage, mode: GeluApproximate, second: boolean): Float64Array {
  const r = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (mode === "none") {
      const pdf = INV_SQRT_2PI * Math.exp(-0.5 * v * v);
      r[i] = second ? pdf * (2 - v * v) : normalCdf(v) + v * pdf;
    } else {
      const t = Math.tanh(SQRT_2_OVER_PI * (v + KAPPA * v * v * v));
      const du = SQRT_2_OVER_PI * (1 + 3 * KAPPA * v * v);
      r[i] = second
        ? (1 - t * t) * (du - v * t * du * du + 0.5 * v * SQRT_2_OVER_PI * 6 * KAPPA * v)
        : 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du;
    }
  }
  return r;
}

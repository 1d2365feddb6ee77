// clamp(x, min, max): each element limited to [min, max]; the gradient passes where min ≤ x ≤ max.
import { DIFFERENTIABLE, needsGraph, recordOp } from "./autograd.js";
import { isGradEnabled } from "./grad-mode.js";
import { allocStorageToFill, isFloatingDType, resultType } from "./dtype.js";
import { castTo } from "./sum-to-shape.js";
import { ArgumentError } from "./errors.js";
import { Tensor } from "./tensor.js";

function checkBound(v: unknown, what: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || Number.isNaN(v)) throw new ArgumentError(`clamp: ${what} must be a number (or null), got ${String(v)}`);
  return v;
}

/** min(max(x, lo), hi) element-wise; d/dx = 1 where lo ≤ x ≤ hi, else 0 (PyTorch's ClampBackward1). */
export function clamp(a: Tensor, min?: number | null, max?: number | null): Tensor {
  const lo = checkBound(min, "min");
  const hi = checkBound(max, "max");
  if (lo === null && hi === null) throw new ArgumentError("clamp: at least one of min and max must be given");
  if (!isFloatingDType(a.dtype)) {
    // Integers: clamped as floats, then in PyTorch's result dtype (int64 bounds keep an int tensor's dtype).
    const dtype = resultType(a, ...[lo, hi].filter((v): v is number => v !== null));
    return castTo(clamp(castTo(a, "float64"), lo, hi), dtype);
  }
  const low = lo ?? -Infinity;
  const high = hi ?? Infinity;
  const x = a.data;
  const out = allocStorageToFill(a.dtype, x.length);
  // As PyTorch: when min > max every element becomes max; NaN stays NaN.
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = v !== v ? v : Math.min(Math.max(v, low), high);
  }
  const result = new Tensor(out, a.shape);
  if (!needsGraph(a)) return result;
  const saved = a.detach();
  return recordOp(result, "ClampBackward1", [a], [saved], (g) => {
    const s = saved.data;
    if (isGradEnabled()) {
      // Under createGraph: g times a constant 0/1 mask, as a recorded op.
      const mask = allocStorageToFill(g.dtype, s.length);
      for (let i = 0; i < s.length; i++) mask[i] = s[i]! >= low && s[i]! <= high ? 1 : 0;
      return [g.mul(new Tensor(mask, g.shape))];
    }
    const gd = g.data;
    const r = allocStorageToFill(g.dtype, gd.length);
    for (let i = 0; i < gd.length; i++) r[i] = s[i]! >= low && s[i]! <= high ? gd[i]! : 0;
    return [new Tensor(r, g.shape)];
  }, DIFFERENTIABLE);
}

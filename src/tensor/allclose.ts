// allclose: whether two tensors agree within tolerances, element by element (broadcasting).
import { ArgumentError } from "./errors.js";
import { broadcastIndex, broadcastShapes } from "./shape.js";
import { checkOptions } from "./options.js";
import { Tensor } from "./tensor.js";

/** Tolerances of `allclose`, PyTorch's defaults: rtol 1e-5, atol 1e-8, NaN unequal to NaN. */
export interface AllcloseOptions {
  rtol?: number;
  atol?: number;
  equalNan?: boolean;
}

/** True when |a − b| ≤ atol + rtol·|b| for every element (a and b broadcast together). */
export function allclose(a: Tensor, b: Tensor, opts: AllcloseOptions = {}): boolean {
  if (!(a instanceof Tensor)) throw new ArgumentError(`allclose: input must be a Tensor, got ${typeof a}`);
  if (!(b instanceof Tensor)) throw new ArgumentError(`allclose: other must be a Tensor, got ${typeof b}`);
  checkOptions(opts, ["rtol", "atol", "equalNan"], "allclose");
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = opts;
  if (typeof rtol !== "number" || rtol < 0) throw new ArgumentError(`allclose: rtol must be a non-negative number, got ${String(rtol)}`);
  if (typeof atol !== "number" || atol < 0) throw new ArgumentError(`allclose: atol must be a non-negative number, got ${String(atol)}`);
  const shape = broadcastShapes(a.shape, b.shape, "allclose");
  const ia = broadcastIndex(shape, a.shape);
  const ib = broadcastIndex(shape, b.shape);
  for (let i = 0; i < ia.length; i++) {
    const x = a.data[ia[i]!]!;
    const y = b.data[ib[i]!]!;
    if (x === y) continue; // equal infinities too
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (equalNan && Number.isNaN(x) && Number.isNaN(y)) continue;
      return false;
    }
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) return false;
  }
  return true;
}

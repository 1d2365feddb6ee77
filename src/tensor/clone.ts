// clone: a copy with its own storage that stays in the graph; detachedCopy: one outside it.
import { DIFFERENTIABLE, recordOp } from "./autograd.js";
import { allocStorage } from "./dtype.js";
import { Tensor } from "./tensor.js";

/** A copy with fresh storage; the gradient passes straight through. */
export function clone(a: Tensor): Tensor {
  const out = allocStorage(a.dtype, a.numel());
  out.set(a.data);
  return recordOp(new Tensor(out, a.shape), "CloneBackward0", [a], [], (g) => [g], DIFFERENTIABLE);
}

/** A copy with fresh storage and no autograd history, as `t.detach().clone()` (state dicts, optimizer snapshots). */
export function detachedCopy(a: Tensor): Tensor {
  const out = allocStorage(a.dtype, a.numel());
  out.set(a.data);
  return new Tensor(out, a.shape);
}

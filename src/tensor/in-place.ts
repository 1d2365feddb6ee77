// In-place ops (`add_`, `mul_`, `clamp_`, `zero_`, …) with PyTorch's rules: refused on a leaf that
// requires grad while grad mode is on; on a tensor in a graph they become part of its history; and
// each bumps the storage's version, so a node that saved the old values refuses to backward.
import { DIFFERENTIABLE, recordOp } from "./autograd.js";
import { allocStorage, canCast, castValue, isFloatingDType, type Storage } from "./dtype.js";
import { AutogradError, DTypeError, ShapeError } from "./errors.js";
import { isGradEnabled } from "./grad-mode.js";
import { shapesEqual } from "./shape.js";
import { broadcastTo, castTo } from "./sum-to-shape.js";
import { Tensor } from "./tensor.js";
import { bumpVersion } from "./version.js";

function checkLeaf(t: Tensor, op: string): void {
  if (isGradEnabled() && t.isLeaf && t.requiresGrad) {
    throw new AutogradError(
      `${op}: a leaf Variable that requires grad is being used in an in-place operation; ` +
        "wrap the update in noGrad(() => ...), as PyTorch's torch.no_grad()",
    );
  }
}

/**
 * Writes `compute(t)` into `t`'s storage. `others` are the op's tensor operands: when any of them or
 * `t` is tracked, `compute` runs on a copy of `t` (its result's node may save the old values) and `t`
 * takes the result's node as its history.
 */
export function inPlace(t: Tensor, op: string, others: readonly (Tensor | number)[], compute: (self: Tensor) => Tensor): Tensor {
  checkLeaf(t, op);
  const tracked = isGradEnabled() && (t.requiresGrad || others.some((o) => typeof o !== "number" && o.requiresGrad));
  let self = t;
  if (tracked) {
    self = new Tensor(t.data.slice(), t.shape);
    self._node = t._node;
  }
  const result = compute(self);
  if (!shapesEqual(result.shape, t.shape)) {
    throw new ShapeError(`${op}: output with shape [${t.shape.join(", ")}] doesn't match the broadcast shape [${result.shape.join(", ")}]`);
  }
  if (!canCast(result.dtype, t.dtype)) {
    throw new DTypeError(`${op}: result type ${result.dtype} can't be cast to the desired output type ${t.dtype} (convert the tensor first, e.g. x = x.float())`);
  }
  t.data.set(result.data);
  bumpVersion(t.data);
  if (tracked) t._node = result._node;
  return t;
}

/** Every element set to `value`; in a graph, the gradient to the old values is 0 (`FillBackward0`). */
export function fillInPlace(t: Tensor, value: number, op: string): Tensor {
  return replaceInPlace(t, op, op === "zero_" ? "ZeroBackward0" : "FillBackward0", (d) => d.fill(castValue(value, t.dtype)));
}

/**
 * `t.uniform_(from, to)` / `t.normal_(mean, std)`: every element a fresh draw of `draw()` (float
 * tensors only, as PyTorch's); in a graph, the gradient to the old values is 0 (`name`).
 */
export function randomFillInPlace(t: Tensor, op: string, name: string, draw: () => number): Tensor {
  if (!isFloatingDType(t.dtype)) throw new DTypeError(`${op}: not implemented for dtype ${t.dtype} (random draws fill float32 or float64 tensors)`);
  return replaceInPlace(t, op, name, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = draw();
  });
}

/** Overwrites `t` by `write` with no dependence on its old values: a node whose gradient is 0 when `t` is tracked. */
function replaceInPlace(t: Tensor, op: string, name: string, write: (d: Storage) => void): Tensor {
  checkLeaf(t, op);
  if (!(isGradEnabled() && t.requiresGrad)) {
    write(t.data);
    bumpVersion(t.data);
    return t;
  }
  return inPlace(t, op, [], (self) => {
    const out = allocStorage(self.dtype, self.numel());
    write(out);
    return recordOp(new Tensor(out, self.shape), name, [self], [], (g) => [new Tensor(allocStorage(g.dtype, g.numel()), g.shape)], DIFFERENTIABLE);
  });
}

/** `t.copy_(src)`: `src` broadcast into `t`; the gradient goes to `src` (summed back), none to the old `t`. */
export function copyInPlace(t: Tensor, src: Tensor): Tensor {
  return inPlace(t, "copy_", [src], (self) => {
    // copy_ converts between any dtypes (float into int truncates), as PyTorch's.
    const values = broadcastTo(castTo(src, self.dtype), self.shape, "copy_");
    const copy = values === src ? new Tensor(src.data.slice(), src.shape) : values;
    return recordOp(copy, "CopyBackwards", [self, src], [], (g) => [new Tensor(allocStorage(g.dtype, g.numel()), g.shape), g], DIFFERENTIABLE);
  });
}

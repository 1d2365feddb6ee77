// `x.to(device)`, `x.to(dtype)`, `x.to(device, dtype)`, `x.to(other)`: a device move is a no-op on the
// CPU; a dtype change is a copy, differentiable into a float dtype (PyTorch's ToCopyBackward0).
import { DIFFERENTIABLE, recordOp } from "./autograd.js";
import { checkDevice, Device, type DeviceLike } from "./device.js";
import { checkDType, DTYPES, isFloatingDType, type DType } from "./dtype.js";
import { checkOptions } from "./options.js";
import { castTo } from "./sum-to-shape.js";
import { Tensor } from "./tensor.js";

/** What `to()` accepts as its first argument. */
export type ToTarget = DeviceLike | DType | Tensor | { device?: DeviceLike; dtype?: DType };

/** The dtype `to(target, dtype?)` asks for (undefined: keep), checking any device on the way. */
export function targetDType(target: unknown, dtype: unknown, what: string): DType | undefined {
  let wanted: unknown = dtype;
  if (target instanceof Tensor) wanted ??= target.dtype;
  else if (typeof target === "string" && (DTYPES as readonly string[]).includes(target)) wanted ??= target;
  else if (typeof target === "object" && target !== null && !(target instanceof Device)) {
    const opts = target as { device?: unknown; dtype?: unknown };
    checkOptions(opts, ["device", "dtype"], what);
    if (opts.device !== undefined) checkDevice(opts.device, `${what}: device`);
    wanted ??= opts.dtype;
  } else if (target !== undefined) checkDevice(target, what);
  return wanted === undefined ? undefined : checkDType(wanted, what);
}

/**
 * `t` on the CPU in the requested dtype: `t` itself when nothing changes, as in PyTorch. A float copy
 * carries the gradient; an integer or bool one does not (as in PyTorch, it cannot require grad).
 */
export function to(t: Tensor, target: ToTarget, dtype?: DType): Tensor {
  const want = targetDType(target, dtype, "to");
  if (want === undefined || want === t.dtype) return t;
  if (!isFloatingDType(want)) return castTo(t, want);
  return recordOp(castTo(t, want), "ToCopyBackward0", [t], [], (g) => [g], DIFFERENTIABLE);
}

// Logic on masks, as PyTorch's logical_not/and/or/xor, any and all: every dtype reads as nonzero = true
// (NaN included) and the results are bool tensors, never part of a graph.
import { allocStorageToFill } from "./dtype.js";
import { ArgumentError } from "./errors.js";
import { Tensor } from "./tensor.js";

function checkOther(other: unknown, op: string): asserts other is Tensor {
  if (!(other instanceof Tensor)) throw new ArgumentError(`${op}: other must be a Tensor, got ${typeof other}`);
}

/** ¬a elementwise (`~mask` in PyTorch). */
export function logicalNot(a: Tensor): Tensor {
  const out = allocStorageToFill("bool", a.numel());
  const d = a.data;
  for (let i = 0; i < d.length; i++) out[i] = d[i] === 0 ? 1 : 0;
  return new Tensor(out, a.shape);
}

/** a ∧ b elementwise, broadcasting (`mask1 & mask2`). */
export function logicalAnd(a: Tensor, b: Tensor): Tensor {
  checkOther(b, "logicalAnd");
  return a.bool().mul(b.bool());
}

/** a ∨ b elementwise, broadcasting (`mask1 | mask2`). */
export function logicalOr(a: Tensor, b: Tensor): Tensor {
  checkOther(b, "logicalOr");
  return a.bool().add(b.bool());
}

/** a ⊕ b elementwise, broadcasting (`mask1 ^ mask2`). */
export function logicalXor(a: Tensor, b: Tensor): Tensor {
  checkOther(b, "logicalXor");
  return a.bool().ne(b.bool());
}

/** Whether any element (along `dim`, if given) is nonzero. */
export function any(a: Tensor, dim?: number, keepdim = false): Tensor {
  return a.bool().sum(dim, keepdim).gt(0);
}

/** Whether every element (along `dim`, if given) is nonzero. */
export function all(a: Tensor, dim?: number, keepdim = false): Tensor {
  return logicalNot(any(logicalNot(a), dim, keepdim));
}

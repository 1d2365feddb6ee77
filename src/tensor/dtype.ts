// Storage types and the promotion rule: float32 with float64 gives float64.
import { DTypeError } from "./errors.js";
import { recordAllocation } from "./memory.js";

export type DType = "float32" | "float64";
export type Storage = Float32Array | Float64Array;

export const DEFAULT_DTYPE: DType = "float32";

/** Checks a user-given dtype, naming the operation when it is unknown. */
export function checkDType(dtype: unknown, op: string): DType {
  if (dtype === undefined) return DEFAULT_DTYPE;
  if (dtype === "float32" || dtype === "float64") return dtype;
  throw new DTypeError(`${op}: unknown dtype ${JSON.stringify(dtype)} (expected "float32" or "float64")`);
}

/** Allocates zeroed storage of `n` elements. */
export function allocStorage(dtype: DType, n: number): Storage {
  const data = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
  recordAllocation(data.byteLength);
  return data;
}

export function dtypeOfStorage(data: Storage): DType {
  return data instanceof Float64Array ? "float64" : "float32";
}

export function promoteTypes(a: DType, b: DType): DType {
  return a === "float64" || b === "float64" ? "float64" : "float32";
}

export function bytesPerElement(dtype: DType): number {
  return dtype === "float64" ? 8 : 4;
}

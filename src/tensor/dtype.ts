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

/**
 * Buffers of gradients that the backward pass proved dead, by length and dtype, handed out again by
 * `allocStorage` (zeroed): typed-array allocation is the largest cost of a small model's step.
 */
const recycled = new Map<number, Storage[]>();
let recycledBytes = 0;
/** Up to this many bytes wait for reuse; below RECYCLE_MIN elements V8 allocates on its own heap, cheaply. */
const RECYCLE_LIMIT_BYTES = 32 * 2 ** 20;
const RECYCLE_MIN = 64;
/** While a backward pass runs: every buffer allocated, so that only those may be recycled. */
let tracking: WeakSet<Storage> | null = null;
/** The buffers waiting in `recycled` (a buffer is never queued twice). */
const queued = new WeakSet<Storage>();

const recycleKey = (dtype: DType, n: number): number => n * 2 + (dtype === "float64" ? 1 : 0);

/** Allocates zeroed storage of `n` elements. */
export function allocStorage(dtype: DType, n: number): Storage {
  return allocate(dtype, n, true);
}

/** Storage of `n` elements for a kernel that writes every one of them (a recycled buffer is not zeroed). */
export function allocStorageToFill(dtype: DType, n: number): Storage {
  return allocate(dtype, n, false);
}

function allocate(dtype: DType, n: number, zeroed: boolean): Storage {
  let data: Storage | undefined;
  if (n >= RECYCLE_MIN) {
    data = recycled.get(recycleKey(dtype, n))?.pop();
    if (data !== undefined) {
      queued.delete(data);
      recycledBytes -= data.byteLength;
      if (zeroed) data.fill(0);
    }
  }
  data ??= dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
  recordAllocation(data.byteLength);
  tracking?.add(data);
  return data;
}

/** @internal Starts (a new set) or stops recording the buffers allocated, for `recycleStorage`. */
export function trackAllocations(on: boolean): void {
  tracking = on ? new WeakSet() : null;
}

/** @internal True when `data` was allocated since `trackAllocations(true)`. */
export function isTracked(data: Storage): boolean {
  return tracking !== null && tracking.has(data);
}

/** @internal Gives a buffer nothing references any more back to `allocStorage`. */
export function recycleStorage(data: Storage): void {
  if (data.length < RECYCLE_MIN || queued.has(data) || recycledBytes + data.byteLength > RECYCLE_LIMIT_BYTES) return;
  queued.add(data);
  const key = recycleKey(dtypeOfStorage(data), data.length);
  const list = recycled.get(key);
  if (list === undefined) recycled.set(key, [data]);
  else list.push(data);
  recycledBytes += data.byteLength;
}

export function dtypeOfStorage(data: Storage): DType {
  return data instanceof Float64Array ? "float64" : "float32";
}

export function promoteTypes(a: DType, b: DType): DType {
  return a === "float64" || b === "float64" ? "float64" : "float32";
}

// Dtypes, their storage and PyTorch's promotion rules. Floats live in Float32Array/Float64Array, int32
// in Int32Array, bool in Uint8Array (0/1), and int64 in Int64Storage: a Float64Array subclass, so
// arithmetic stays on JS numbers; it is exact for integers up to 2^53 (PyTorch's int64 reaches 2^63).
import { DTypeError } from "./errors.js";
import { recordAllocation } from "./memory.js";

export type DType = "float32" | "float64" | "int32" | "int64" | "bool";
/** The dtypes that can require grad. */
export type FloatDType = "float32" | "float64";
export type Storage = Float32Array | Float64Array | Int32Array | Uint8Array;

/** int64 values as float64 numbers (exact below 2^53); its own class so that a tensor knows its dtype from its storage. */
export class Int64Storage extends Float64Array {}

export const DEFAULT_DTYPE: FloatDType = "float32";

/** Every dtype, in PyTorch's promotion order: the promotion of two is the later one. */
export const DTYPES: readonly DType[] = ["bool", "int32", "int64", "float32", "float64"];
const RANK: Record<DType, number> = { bool: 0, int32: 1, int64: 2, float32: 3, float64: 4 };

/** Bytes per element of each dtype's storage. */
export const BYTES_PER_ELEMENT: Record<DType, number> = { bool: 1, int32: 4, int64: 8, float32: 4, float64: 8 };

/** PyTorch's names, for messages that quote PyTorch (`torch.int64` is `Long`). */
export const TORCH_NAMES: Record<DType, string> = { bool: "Bool", int32: "Int", int64: "Long", float32: "Float", float64: "Double" };

export function isFloatingDType(dtype: DType): dtype is FloatDType {
  return dtype === "float32" || dtype === "float64";
}

/** Checks a user-given dtype, naming the operation when it is unknown. */
export function checkDType(dtype: unknown, op: string): DType {
  if (dtype === undefined) return DEFAULT_DTYPE;
  if (typeof dtype === "string" && (DTYPES as readonly string[]).includes(dtype)) return dtype as DType;
  throw new DTypeError(`${op}: unknown dtype ${JSON.stringify(dtype)} (expected one of ${DTYPES.map((d) => `"${d}"`).join(", ")})`);
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

const recycleKey = (dtype: DType, n: number): number => n * DTYPES.length + RANK[dtype];

/** Allocates zeroed storage of `n` elements. */
export function allocStorage(dtype: DType, n: number): Storage {
  return allocate(dtype, n, true);
}

/** Storage of `n` elements for a kernel that writes every one of them (a recycled buffer is not zeroed). */
export function allocStorageToFill(dtype: DType, n: number): Storage {
  return allocate(dtype, n, false);
}

function newStorage(dtype: DType, n: number): Storage {
  switch (dtype) {
    case "float32": return new Float32Array(n);
    case "float64": return new Float64Array(n);
    case "int64": return new Int64Storage(n);
    case "int32": return new Int32Array(n);
    case "bool": return new Uint8Array(n);
  }
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
  data ??= newStorage(dtype, n);
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
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return data instanceof Int64Storage ? "int64" : "float64";
  return data instanceof Int32Array ? "int32" : "bool";
}

/** PyTorch's `promote_types`: the later of the two in bool < int32 < int64 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** What an operand brings to promotion: a tensor's dtype and number of dims. */
export interface DTypedOperand {
  readonly dtype: DType;
  readonly ndim: number;
}

/**
 * PyTorch's `result_type`: tensors with dims decide, unless a 0-d tensor or a JS number (int64 when
 * integral, else the default float) is of a higher category (bool < integer < float); within a
 * category the dimensioned tensors win. So int32 + 1 is int32, int64 + 0.5 is float32, and
 * float32 + a float64 0-d tensor stays float32.
 */
export function resultType(...operands: readonly (DTypedOperand | number)[]): DType {
  let dim: DType | undefined;
  let zero: DType | undefined;
  let wrapped: DType | undefined;
  const join = (acc: DType | undefined, d: DType): DType => (acc === undefined ? d : promoteTypes(acc, d));
  for (const o of operands) {
    if (typeof o === "number") wrapped = join(wrapped, Number.isInteger(o) ? "int64" : DEFAULT_DTYPE);
    else if (o.ndim === 0) zero = join(zero, o.dtype);
    else dim = join(dim, o.dtype);
  }
  return combineCategories(dim, combineCategories(zero, wrapped))!;
}

/** PyTorch's `combine_categories`: `higher` wins unless `lower` is of a higher category. */
function combineCategories(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (higher === undefined) return lower;
  if (lower === undefined || isFloatingDType(higher)) return higher;
  if (higher === "bool" || isFloatingDType(lower)) return promoteTypes(higher, lower);
  return higher;
}

/** PyTorch's `can_cast`: no float into an integer, no number into bool (an in-place result must fit). */
export function canCast(from: DType, to: DType): boolean {
  if (isFloatingDType(from) && !isFloatingDType(to)) return false;
  return !(from !== "bool" && to === "bool");
}

const INT64_MIN = -(2 ** 63);

/** A float converted to int64 as C++ does: truncated; NaN, ±inf and overflow give int64's minimum (x86). */
function toInt64(v: number): number {
  return Number.isFinite(v) && Math.abs(v) < 2 ** 63 ? Math.trunc(v) + 0 : INT64_MIN;
}

/** `v` as stored in `dtype`: rounded to float32, truncated to an integer, or 0/1 for bool (NaN is true). */
export function castValue(v: number, dtype: DType): number {
  switch (dtype) {
    case "float64": return v;
    case "float32": return Math.fround(v);
    case "int64": return toInt64(v);
    case "int32": return v | 0;
    case "bool": return v !== 0 ? 1 : 0;
  }
}

/** A copy of `src` in `dtype`, with PyTorch's conversions (see `castValue`). */
export function castStorage(src: Storage, dtype: DType): Storage {
  const out = allocStorageToFill(dtype, src.length);
  const fromFloat = src instanceof Float32Array || (src instanceof Float64Array && !(src instanceof Int64Storage));
  if (dtype === "bool" || (dtype === "int64" && fromFloat)) for (let i = 0; i < src.length; i++) out[i] = castValue(src[i]!, dtype);
  else out.set(src);
  return out;
}

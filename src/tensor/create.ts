// Creating tensors: from JS data, filled, ranges, random (seeded), and shaped like another tensor.
import { allocStorage, BYTES_PER_ELEMENT, castStorage, castValue, checkDType, dtypeOfStorage, isFloatingDType, type DType, type Storage } from "./dtype.js";
import { ArgumentError, DTypeError, ShapeError } from "./errors.js";
import { generatorOf, type RandomGenerator } from "./generator.js";
import { checkShape, formatShape, parseShapeArgs, shapeNumel } from "./shape.js";
import { Tensor, type NestedArray } from "./tensor.js";
import { checkDevice, type DeviceLike } from "./device.js";
import { checkOptions } from "./options.js";

/** Options shared by the creation functions. */
export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  /** "cpu" (the only device; anything else throws). */
  device?: DeviceLike;
}

/** Options of the random creation functions: an independent generator instead of the global one. */
export interface RandomOptions extends TensorOptions {
  generator?: RandomGenerator;
}

/** Extra option of `tensor()`: the shape of flat data. */
export interface TensorDataOptions extends TensorOptions {
  shape?: readonly number[];
}

function finish(t: Tensor, opts: TensorOptions | undefined, op: string): Tensor {
  if (opts?.device !== undefined) checkDevice(opts.device, `${op}: device`);
  if (opts?.requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * Infers the shape of a nested array from its first elements, then copies it into storage while
 * checking it is rectangular and numeric (the path of a bad element is only built for the error).
 */
function readNested(data: NestedArray, dtype: DType, op: string): { shape: number[]; storage: Storage } {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0]!;
  }
  const storage = allocStorage(dtype, shapeNumel(shape));
  // Float storage converts on its own; int64 (held as float64) and bool need castValue.
  const exact = isFloatingDType(dtype) || dtype === "int32";
  const path: number[] = [];
  const where = (): string => path.map((i) => `[${i}]`).join("");
  let k = 0;
  const walk = (v: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (typeof v === "number") storage[k++] = exact ? v : castValue(v, dtype);
      else if (typeof v === "boolean") storage[k++] = v ? 1 : 0;
      else throw new ArgumentError(`${op}: data${where()} is ${v === null ? "null" : typeof v}, expected a number or a boolean`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      const got = Array.isArray(v) ? `length ${v.length}` : typeof v === "number" ? "a number" : typeof v;
      throw new ArgumentError(
        `${op}: data is not rectangular: data${where()} has ${got} but expected length ${shape[dim]} (shape inferred from the first elements: [${shape.join(", ")}])`,
      );
    }
    path.push(0);
    for (let i = 0; i < v.length; i++) {
      path[dim] = i;
      walk(v[i], dim + 1);
    }
    path.pop();
  };
  walk(data, 0);
  return { shape, storage };
}

/** Nested arrays of booleans: `tensor([true, false])` is a bool tensor, as PyTorch infers from Python's bools. */
export type NestedBoolArray = boolean | NestedBoolArray[];

/**
 * A new tensor holding a copy of `data`: nested arrays (of numbers: float32 unless `dtype` says
 * otherwise, since JS cannot tell 1 from 1.0; of booleans: bool), a typed array (its own dtype; a
 * Uint8Array's bytes as float32; a BigInt64Array as int64, checked to be within ±2^53), or a number.
 */
export function tensor(data: NestedArray | NestedBoolArray | Storage | BigInt64Array | readonly number[], opts: TensorDataOptions = {}): Tensor {
  if (typeof opts !== "object" || opts === null) throw new ArgumentError("tensor: options must be an object");
  checkOptions(opts, [...TENSOR_OPTIONS, "shape"], "tensor");
  let dtype = checkDType(opts.dtype, "tensor");
  if (data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array || data instanceof Uint8Array) {
    // A Uint8Array reads as plain numbers (bytes are not masks); the other arrays keep their dtype.
    if (opts.dtype === undefined && !(data instanceof Uint8Array)) dtype = dtypeOfStorage(data);
    const shape = opts.shape !== undefined ? checkShape(opts.shape, "tensor", "shape") : [data.length];
    if (shapeNumel(shape) !== data.length) {
      throw new ShapeError(`tensor: shape ${formatShape(shape)} does not hold the ${data.length} elements of data`);
    }
    return finish(new Tensor(castStorage(data, dtype), shape), opts, "tensor");
  }
  if (data instanceof BigInt64Array) return fromBigInt64(data, opts);
  if (typeof data !== "number" && typeof data !== "boolean" && !Array.isArray(data)) {
    throw new ArgumentError(`tensor: data must be a number, a boolean, a (nested) array of them or a typed array, got ${data === null ? "null" : typeof data}`);
  }
  if (opts.dtype === undefined && firstLeaf(data) === "boolean") dtype = "bool";
  const { shape: inferred, storage } = readNested(data as NestedArray, dtype, "tensor");
  let shape = inferred;
  if (opts.shape !== undefined) {
    shape = checkShape(opts.shape, "tensor", "shape");
    if (shapeNumel(shape) !== storage.length) {
      throw new ShapeError(`tensor: shape ${formatShape(shape)} does not hold the ${storage.length} elements of data`);
    }
  }
  return finish(new Tensor(storage, shape), opts, "tensor");
}

/** An int64 tensor (unless `dtype` says otherwise) from 64-bit integers, which must be exact as float64 (|v| ≤ 2^53). */
function fromBigInt64(data: BigInt64Array, opts: TensorDataOptions): Tensor {
  const values = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v > 2n ** 53n || v < -(2n ** 53n)) {
      throw new DTypeError(`tensor: data[${i}] is ${v}, beyond ±2^53, the range in which tsgrad's int64 is exact`);
    }
    values[i] = Number(v);
  }
  return tensor(values, { ...opts, dtype: opts.dtype ?? "int64" });
}

/** The type of the first element of nested data (what `tensor()` infers the dtype from). */
function firstLeaf(data: unknown): string {
  let cur = data;
  while (Array.isArray(cur) && cur.length > 0) cur = cur[0];
  return typeof cur;
}

/**
 * Storage for a new tensor of `shape`; an error naming the op, the shape and the size when it is too
 * big (the typed array's own error was a bare "Invalid typed array length").
 */
function storageFor(op: string, shape: readonly number[], dtype: DType): Storage {
  const n = shapeNumel(shape);
  try {
    return allocStorage(dtype, n);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const bytes = n * BYTES_PER_ELEMENT[dtype];
    throw new ArgumentError(
      `${op}: a tensor of shape ${formatShape(shape)} would have ${n.toLocaleString("en-US")} elements (${(bytes / 2 ** 30).toFixed(1)} GiB as ${dtype}), ` +
        `more than can be allocated (${error.message})`,
    );
  }
}

const TENSOR_OPTIONS = ["dtype", "requiresGrad", "device"];
const RANDOM_OPTIONS = [...TENSOR_OPTIONS, "generator"];
const RANDOM_OPS = ["rand", "randn", "randint"];

function filled(args: readonly unknown[], op: string, value: number): Tensor {
  const { shape, opts } = parseShapeArgs<TensorOptions>(args, op);
  checkOptions(opts, RANDOM_OPS.includes(op) ? RANDOM_OPTIONS : TENSOR_OPTIONS, op);
  const out = storageFor(op, shape, checkDType(opts?.dtype, op));
  if (value !== 0) out.fill(value);
  return finish(new Tensor(out, shape), opts, op);
}

type ShapeArgs = [shape: readonly number[], opts?: TensorOptions] | number[] | [...sizes: number[], opts: TensorOptions];
type RandomShapeArgs = [shape: readonly number[], opts?: RandomOptions] | number[] | [...sizes: number[], opts: RandomOptions];

/** A tensor of zeros: `zeros([2, 3])` or `zeros(2, 3)`. */
export function zeros(...args: ShapeArgs): Tensor {
  return filled(args, "zeros", 0);
}

/** A tensor of ones. */
export function ones(...args: ShapeArgs): Tensor {
  return filled(args, "ones", 1);
}

/** A tensor filled with `value`. */
export function full(shape: readonly number[] | number, value: number, opts?: TensorOptions): Tensor {
  if (typeof value !== "number") throw new ArgumentError(`full: value must be a number, got ${typeof value}`);
  const t = filled([typeof shape === "number" ? [shape] : shape, opts ?? {}], "full", 0);
  t.data.fill(castValue(value, t.dtype));
  return t;
}

/** Zeros with the shape and dtype of `t`. */
export function zerosLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return zeros([...t.shape], { ...opts, dtype: opts.dtype ?? t.dtype, requiresGrad: opts.requiresGrad ?? false });
}

/** Ones with the shape and dtype of `t`. */
export function onesLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return ones([...t.shape], { ...opts, dtype: opts.dtype ?? t.dtype, requiresGrad: opts.requiresGrad ?? false });
}

/**
 * `arange(end)`, `arange(start, end)`, `arange(start, end, step)`: start, start+step, ... below end.
 * int64 when every argument is an integer (as PyTorch's `torch.arange(5)`), else float32, unless `dtype` says.
 */
export function arange(...args: (number | TensorOptions | undefined)[]): Tensor {
  const last = args[args.length - 1];
  const opts = typeof last === "object" ? (last as TensorOptions) : undefined;
  const nums = (opts ? args.slice(0, -1) : args).filter((v) => v !== undefined) as unknown[];
  for (const v of nums) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new ArgumentError(`arange: start, end and step must be finite numbers, got ${String(v)}`);
  }
  if (nums.length === 0 || nums.length > 3) throw new ArgumentError(`arange: expected 1 to 3 numbers, got ${nums.length}`);
  const [start, end, step] = nums.length === 1 ? [0, nums[0] as number, 1] : [nums[0] as number, nums[1] as number, (nums[2] as number | undefined) ?? 1];
  if (step === 0) throw new ArgumentError("arange: step must be nonzero");
  if ((end - start) / step < 0) {
    throw new ArgumentError(`arange: upper bound and larger bound inconsistent with step sign (start ${start}, end ${end}, step ${step})`);
  }
  const n = Math.ceil((end - start) / step);
  const integral = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const dtype = opts?.dtype === undefined && integral ? "int64" : checkDType(opts?.dtype, "arange");
  const out = storageFor(`arange(${start}, ${end}, ${step})`, [n], dtype);
  for (let i = 0; i < n; i++) out[i] = castValue(start + i * step, dtype);
  return finish(new Tensor(out, [n]), opts, "arange");
}

/** `t` when it is float; PyTorch's error for rand/randn asked for an integer dtype. */
function floatOnly(t: Tensor, op: string): Tensor {
  if (!isFloatingDType(t.dtype)) throw new DTypeError(`${op}: not implemented for dtype ${t.dtype} (use randint for integers)`);
  return t;
}

/** Uniform random numbers in [0, 1) from the seeded generator (or `{ generator }`). */
export function rand(...args: RandomShapeArgs): Tensor {
  const t = floatOnly(filled(args, "rand", 0), "rand");
  const g = generatorOf(parseShapeArgs<RandomOptions>(args, "rand").opts?.generator, "rand");
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = g.uniform();
  // float32 rounding could turn a value just below 1 into 1; keep the interval half-open.
  if (t.dtype === "float32") for (let i = 0; i < d.length; i++) if (d[i] === 1) d[i] = 0.99999994;
  return t;
}

/** Standard normal random numbers from the seeded generator (or `{ generator }`). */
export function randn(...args: RandomShapeArgs): Tensor {
  const t = floatOnly(filled(args, "randn", 0), "randn");
  const g = generatorOf(parseShapeArgs<RandomOptions>(args, "randn").opts?.generator, "randn");
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = g.normal();
  return t;
}

/**
 * Random integers in [low, high), int64 unless `dtype` says otherwise: `randint(high, size)` or
 * `randint(low, high, size)`, as PyTorch; `size` is an array (or a number in the three-argument form).
 */
export function randint(high: number, size: readonly number[], opts?: RandomOptions): Tensor;
export function randint(low: number, high: number, size: readonly number[] | number, opts?: RandomOptions): Tensor;
export function randint(a: number, b: number | readonly number[], c?: readonly number[] | number | RandomOptions, d?: RandomOptions): Tensor {
  const short = Array.isArray(b);
  const [low, high, shape, opts] = short
    ? [0, a, b as readonly number[], c as RandomOptions | undefined]
    : [a, b as number, c as readonly number[] | number | undefined, d];
  if (!Number.isInteger(low) || !Number.isInteger(high)) throw new ArgumentError(`randint: low and high must be integers, got ${low} and ${high}`);
  if (high <= low) throw new ArgumentError(`randint: high (${high}) must be greater than low (${low})`);
  if (shape === undefined) throw new ArgumentError("randint: size is required, e.g. randint(10, [3]) or randint(0, 10, [3])");
  const t = filled([typeof shape === "number" ? [shape] : shape, { ...opts, dtype: opts?.dtype ?? "int64" }], "randint", 0);
  const g = generatorOf(opts?.generator, "randint");
  const out = t.data;
  const span = high - low;
  for (let i = 0; i < out.length; i++) out[i] = low + Math.floor(g.uniform() * span);
  return t;
}

/** The n×m identity matrix (m = n by default): 1 on the diagonal, 0 elsewhere. */
export function eye(n: number, m?: number | TensorOptions, opts?: TensorOptions): Tensor {
  if (typeof m === "object") [m, opts] = [undefined, m];
  const cols = m ?? n;
  for (const [what, v] of [["n", n], ["m", cols]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ArgumentError(`eye: ${what} must be a non-negative integer, got ${String(v)}`);
  }
  checkOptions(opts, TENSOR_OPTIONS, "eye");
  const out = storageFor("eye", [n, cols], checkDType(opts?.dtype, "eye"));
  for (let i = 0; i < Math.min(n, cols); i++) out[i * cols + i] = 1;
  return finish(new Tensor(out, [n, cols]), opts, "eye");
}

/**
 * `steps` evenly spaced values from `start` to `end`, both included: start + i·(end − start)/(steps − 1),
 * the second half counted back from `end` as PyTorch does, so the last value is exactly `end`.
 */
export function linspace(start: number, end: number, steps: number, opts?: TensorOptions): Tensor {
  for (const [what, v] of [["start", start], ["end", end]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new ArgumentError(`linspace: ${what} must be a finite number, got ${String(v)}`);
  }
  if (!Number.isInteger(steps) || steps < 0) throw new ArgumentError(`linspace: steps must be a non-negative integer, got ${String(steps)}`);
  checkOptions(opts, TENSOR_OPTIONS, "linspace");
  const out = storageFor("linspace", [steps], checkDType(opts?.dtype, "linspace"));
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  const dtype = dtypeOfStorage(out);
  for (let i = 0; i < steps; i++) out[i] = castValue(i < half || steps === 1 ? start + step * i : end - step * (steps - 1 - i), dtype);
  return finish(new Tensor(out, [steps]), opts, "linspace");
}

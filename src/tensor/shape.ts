// Shape arithmetic shared by all ops: sizes, strides, dims, broadcasting.
import { ArgumentError, ShapeError } from "./errors.js";

export type Shape = readonly number[];

/** Number of elements of a shape; 1 for the scalar shape `[]`. */
export function shapeNumel(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** PyTorch-ish printout of a shape for error messages: `(64x10)`, `()` for a scalar. */
export function formatShape(shape: Shape): string {
  return `(${shape.join("x")})`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major strides of a contiguous shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** Maps a possibly negative dim into `0..ndim-1`, or throws naming the op and the argument. */
export function normalizeDim(dim: number, ndim: number, op: string, arg = "dim"): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new ArgumentError(
      `${op}: ${arg} ${dim} is out of range for a tensor with ${ndim} dimension${ndim === 1 ? "" : "s"} (expected an integer in [${-n}, ${n - 1}])`,
    );
  }
  return dim < 0 ? dim + n : dim;
}

/** Checks that every size is a non-negative integer. */
export function checkShape(shape: Shape, op: string, arg = "shape"): number[] {
  for (const s of shape) {
    if (typeof s !== "number" || !Number.isInteger(s) || s < 0) {
      throw new ArgumentError(`${op}: ${arg} [${shape.join(", ")}] must hold non-negative integers, got ${String(s)}`);
    }
  }
  return [...shape];
}

/**
 * Splits `(2, 3)`, `([2, 3])`, `(2, 3, opts)` or `([2, 3], opts)` into a shape and trailing options.
 */
export function parseShapeArgs<O extends object>(
  args: readonly unknown[],
  op: string,
): { shape: number[]; opts: O | undefined } {
  let opts: O | undefined;
  let rest = args;
  const last = args[args.length - 1];
  if (last !== undefined && typeof last === "object" && last !== null && !Array.isArray(last)) {
    opts = last as O;
    rest = args.slice(0, -1);
  }
  let shape: unknown[];
  if (rest.length === 1 && Array.isArray(rest[0])) shape = rest[0] as unknown[];
  else shape = [...rest];
  for (const s of shape) {
    if (typeof s !== "number") throw new ArgumentError(`${op}: shape must be numbers or one array of numbers, got ${JSON.stringify(shape)}`);
  }
  return { shape: checkShape(shape as number[], op), opts };
}

/** Result shape of broadcasting `a` with `b` (NumPy rules), or a ShapeError naming both. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const db = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** True when `src` broadcasts to `target` (sizes equal or 1, right-aligned). */
export function broadcastsTo(src: Shape, target: Shape): boolean {
  if (src.length > target.length) {
    for (let i = 0; i < src.length - target.length; i++) if (src[i] !== 1) return false;
  }
  const off = target.length - src.length;
  for (let i = Math.max(0, -off); i < src.length; i++) {
    const s = src[i]!;
    if (s !== 1 && s !== target[i + off]) return false;
  }
  return true;
}

/**
 * For each flat position of `outShape`, the flat position in `srcShape` it reads when `srcShape` is
 * broadcast to `outShape`. The one index map behind broadcasting forward and summing back.
 */
export function broadcastIndex(outShape: Shape, srcShape: Shape): Int32Array {
  const n = shapeNumel(outShape);
  const idx = new Int32Array(n);
  const m = shapeNumel(srcShape);
  if (m === 1 || n === 0) return idx;
  // Fast path: src equals a suffix of out (e.g. a bias row added to every row of a batch).
  let lead = 0;
  while (lead < srcShape.length && srcShape[lead] === 1) lead++;
  const core = srcShape.slice(lead);
  if (core.length <= outShape.length && shapesEqual(core, outShape.slice(outShape.length - core.length))) {
    for (let i = 0; i < n; i++) idx[i] = i % m;
    return idx;
  }
  const nd = outShape.length;
  const srcStrides = stridesOf(srcShape);
  const s = new Array<number>(nd);
  const off = nd - srcShape.length;
  for (let d = 0; d < nd; d++) {
    const sd = d - off;
    s[d] = sd >= 0 && srcShape[sd] !== 1 ? srcStrides[sd]! : 0;
  }
  return stridedIndex(outShape, s);
}

/**
 * For each flat position of `outShape` (row-major), the source position Σ counter[d]·strides[d]:
 * the one walk behind broadcasting (stride 0) and permutes (reordered strides).
 */
export function stridedIndex(outShape: Shape, strides: readonly number[]): Int32Array {
  const n = shapeNumel(outShape);
  const idx = new Int32Array(n);
  const nd = outShape.length;
  const counter = new Int32Array(nd);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    idx[i] = pos;
    for (let d = nd - 1; d >= 0; d--) {
      counter[d]!++;
      pos += strides[d]!;
      if (counter[d]! < outShape[d]!) break;
      pos -= strides[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
  return idx;
}

// Shape ops: reshape/view (shared storage), permute/transpose (copied), flatten, (un)squeeze, expand.
import { DIFFERENTIABLE, recordOp } from "./autograd.js";
import { allocStorageToFill } from "./dtype.js";
import { ArgumentError, ShapeError } from "./errors.js";
import { formatShape, normalizeDim, shapeNumel, shapesEqual, stridedIndex, stridesOf } from "./shape.js";
import { broadcastTo } from "./sum-to-shape.js";
import { useWasm } from "./kernels/backend.js";
import { wasmTranspose } from "./kernels/wasm.js";
import { Tensor } from "./tensor.js";

/** Accepts `(2, 3)` or `([2, 3])`. */
function flattenArgs(args: readonly (number | readonly number[])[], op: string): number[] {
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as readonly number[]) : (args as readonly number[]);
  for (const s of list) {
    if (typeof s !== "number" || !Number.isInteger(s)) {
      throw new ArgumentError(`${op}: sizes must be integers, got [${list.map(String).join(", ")}]`);
    }
  }
  return [...list];
}

/** Resolves one `-1` and checks the element count. */
function inferShape(a: Tensor, shape: number[], op: string): number[] {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i]!;
    if (s === -1) {
      if (infer >= 0) throw new ArgumentError(`${op}: only one dimension can be inferred (-1), got [${shape.join(", ")}]`);
      infer = i;
    } else if (s < 0) {
      throw new ArgumentError(`${op}: invalid size ${s} in shape [${shape.join(", ")}]`);
    } else known *= s;
  }
  const out = [...shape];
  if (infer >= 0) {
    if (known === 0 || a.numel() % known !== 0) {
      throw new ShapeError(`${op}: shape [${shape.join(", ")}] is invalid for input of size ${a.numel()}`);
    }
    out[infer] = a.numel() / known;
  }
  if (shapeNumel(out) !== a.numel()) {
    throw new ShapeError(`${op}: shape [${shape.join(", ")}] is invalid for input of size ${a.numel()} (shape ${formatShape(a.shape)})`);
  }
  return out;
}

/** Same storage seen with a new shape; backward reshapes the gradient back. */
/** @internal A view of `a`'s storage in `shape`, its backward node called `name`. */
export function viewAs(a: Tensor, shape: readonly number[], name: string): Tensor {
  const inShape = a.shape;
  const out = recordOp(new Tensor(a.data, shape), name, [a], [], (g) => [viewAs(g, inShape, name)], DIFFERENTIABLE);
  out._node?.watchView(a.data);
  return out;
}

/** Reshape sharing storage (`view` and `reshape` are the same since every tensor is contiguous). */
export function reshape(a: Tensor, shape: readonly (number | readonly number[])[], op = "reshape"): Tensor {
  return viewAs(a, inferShape(a, flattenArgs(shape, op), op), op === "view" ? "ViewBackward0" : "ReshapeAliasBackward0");
}

/** Copy with dims reordered: out.shape[i] = a.shape[dims[i]]. */
function permuteRaw(a: Tensor, dims: readonly number[]): Tensor {
  const outShape = dims.map((d) => a.shape[d]!);
  const inStrides = stridesOf(a.shape);
  const out = allocStorageToFill(a.dtype, a.numel());
  const src = a.data;
  if (a.ndim === 2 && dims[0] === 1) {
    const r = a.shape[0]!;
    const c = a.shape[1]!;
    if (src instanceof Float32Array && out instanceof Float32Array && useWasm()) {
      wasmTranspose(src, out, r, c);
      return new Tensor(out, outShape);
    }
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = src[i * c + j]!;
    return new Tensor(out, outShape);
  }
  const idx = stridedIndex(outShape, dims.map((d) => inStrides[d]!));
  for (let i = 0; i < out.length; i++) out[i] = src[idx[i]!]!;
  return new Tensor(out, outShape);
}

/** Reorders dims (a copy); backward applies the inverse permutation. */
export function permute(a: Tensor, args: readonly (number | readonly number[])[]): Tensor {
  const raw = flattenArgs(args, "permute");
  if (raw.length !== a.ndim) {
    throw new ArgumentError(`permute: dims [${raw.join(", ")}] must list each of the ${a.ndim} dims of shape ${formatShape(a.shape)} once`);
  }
  const dims = raw.map((d) => normalizeDim(d, a.ndim, "permute", "dims"));
  if (new Set(dims).size !== dims.length) throw new ArgumentError(`permute: dims [${raw.join(", ")}] repeat a dim`);
  const inverse = new Array<number>(dims.length);
  dims.forEach((d, i) => (inverse[d] = i));
  return recordOp(permuteRaw(a, dims), "PermuteBackward0", [a], [], (g) => [permute(g, [inverse])], DIFFERENTIABLE);
}

/** Swaps two dims (a copy). */
export function transpose(a: Tensor, dim0: number, dim1: number): Tensor {
  const d0 = normalizeDim(dim0, a.ndim, "transpose", "dim0");
  const d1 = normalizeDim(dim1, a.ndim, "transpose", "dim1");
  const dims = a.shape.map((_, i) => i);
  dims[d0] = d1;
  dims[d1] = d0;
  if (a.ndim === 0) return viewAs(a, a.shape, "TransposeBackward0");
  return recordOp(permuteRaw(a, dims), "TransposeBackward0", [a], [], (g) => [transpose(g, d0, d1)], DIFFERENTIABLE);
}

/** Merges dims startDim..endDim into one. */
export function flatten(a: Tensor, startDim = 0, endDim = -1): Tensor {
  if (a.ndim === 0) return viewAs(a, [1], "ReshapeAliasBackward0");
  const s = normalizeDim(startDim, a.ndim, "flatten", "startDim");
  const e = normalizeDim(endDim, a.ndim, "flatten", "endDim");
  if (s > e) throw new ArgumentError(`flatten: startDim ${startDim} must not come after endDim ${endDim}`);
  const shape = [...a.shape.slice(0, s), shapeNumel(a.shape.slice(s, e + 1)), ...a.shape.slice(e + 1)];
  return viewAs(a, shape, "ReshapeAliasBackward0");
}

/** Inserts a dim of size 1 at `dim` (in the range -ndim-1..ndim). */
export function unsqueeze(a: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, a.ndim + 1, "unsqueeze");
  const shape = [...a.shape];
  shape.splice(d, 0, 1);
  return viewAs(a, shape, "UnsqueezeBackward0");
}

/** Removes dims of size 1 (all of them, or only `dim` if it has size 1). */
export function squeeze(a: Tensor, dim?: number): Tensor {
  if (dim === undefined) return viewAs(a, a.shape.filter((s) => s !== 1), "SqueezeBackward0");
  if (a.ndim === 0) return viewAs(a, [], "SqueezeBackward1");
  const d = normalizeDim(dim, a.ndim, "squeeze");
  const shape = a.shape[d] === 1 ? a.shape.filter((_, i) => i !== d) : a.shape;
  return viewAs(a, shape, "SqueezeBackward1");
}

/** Broadcasts to a larger shape (materialised); `-1` keeps a size. Backward sums back. */
export function expand(a: Tensor, args: readonly (number | readonly number[])[]): Tensor {
  const raw = flattenArgs(args, "expand");
  if (raw.length < a.ndim) {
    throw new ShapeError(`expand: the number of sizes [${raw.join(", ")}] must be at least the tensor's ${a.ndim} dims ${formatShape(a.shape)}`);
  }
  const off = raw.length - a.ndim;
  const shape = raw.map((s, i) => (s === -1 && i >= off ? a.shape[i - off]! : s));
  for (const s of shape) if (s < 0) throw new ArgumentError(`expand: invalid size in [${raw.join(", ")}]`);
  if (shapesEqual(shape, a.shape)) return viewAs(a, shape, "ExpandBackward0");
  return recordOp(broadcastTo(a, shape, "expand"), "ExpandBackward0", [a], [], (g) => [g], DIFFERENTIABLE);
}

// Matrix product with PyTorch's matmul rules: dot, matrix-vector, matrix-matrix and batched
// (broadcast batch dims); float32 products run in the WebAssembly SIMD kernel unless the backend is "js".
import { DIFFERENTIABLE, needsGraph, recordOp } from "./autograd.js";
import { isGradEnabled } from "./grad-mode.js";
import { allocStorage, allocStorageToFill, isFloatingDType, promoteTypes } from "./dtype.js";
import { ArgumentError, DTypeError, ShapeError } from "./errors.js";
import { castTo } from "./sum-to-shape.js";
import { broadcastIndex, broadcastShapes, shapeNumel, formatShape } from "./shape.js";
import { gemm } from "./gemm.js";
import { useWasm } from "./kernels/backend.js";
import { wasmGemm, type GemmBatch } from "./kernels/wasm.js";
import { Tensor } from "./tensor.js";

/** The one product of two unbatched operands. */
const SINGLE: readonly GemmBatch[] = [{ xo: 0, yo: 0, co: 0 }];

/**
 * Batched product of X (…, r, c) and Y (…, c', d) seen through optional transposes of their last two
 * dims; batch dims broadcast. Returns data of shape [...batch, rows, cols].
 */
function bmm(X: Tensor, Y: Tensor, transX: boolean, transY: boolean, op: string): Tensor {
  const xs = X.shape;
  const ys = Y.shape;
  const rows = transX ? xs[xs.length - 1]! : xs[xs.length - 2]!;
  const inner = transX ? xs[xs.length - 2]! : xs[xs.length - 1]!;
  const innerY = transY ? ys[ys.length - 1]! : ys[ys.length - 2]!;
  const cols = transY ? ys[ys.length - 2]! : ys[ys.length - 1]!;
  if (inner !== innerY) {
    throw new ShapeError(`${op}: shapes ${formatShape(xs)} and ${formatShape(ys)} cannot be multiplied`);
  }
  const dtype = promoteTypes(X.dtype, Y.dtype);
  if (xs.length === 2 && ys.length === 2 && dtype === "float32" && useWasm()) {
    // Two matrices (every Linear layer): straight to the kernel, no batch bookkeeping.
    const out = allocStorageToFill(dtype, rows * cols) as Float32Array;
    wasmGemm(X.data as Float32Array, Y.data as Float32Array, out, SINGLE, rows, inner, cols, transX, transY, false);
    return new Tensor(out, [rows, cols]);
  }
  const xBatch = xs.slice(0, -2);
  const yBatch = ys.slice(0, -2);
  const batch = broadcastShapes(xBatch, yBatch, op);
  const nb = shapeNumel(batch);
  const xi = broadcastIndex(batch, xBatch);
  const yi = broadcastIndex(batch, yBatch);
  if (dtype === "float32" && useWasm()) {
    // float32 through the SIMD kernel, accumulating in float32 as PyTorch does.
    const out = allocStorageToFill(dtype, nb * rows * cols) as Float32Array;
    const X32 = X.data as Float32Array;
    const Y32 = Y.data as Float32Array;
    if (!transX && shapeNumel(yBatch) === 1 && shapeNumel(xBatch) === nb) {
      // One matrix Y for every batch of X (a Linear layer on [N, L, features]): one product of nb·rows rows.
      wasmGemm(X32, Y32, out, SINGLE, nb * rows, inner, cols, false, transY, false);
    } else {
      const batches: GemmBatch[] = [];
      for (let b = 0; b < nb; b++) batches.push({ xo: xi[b]! * rows * inner, yo: yi[b]! * inner * cols, co: b * rows * cols });
      wasmGemm(X32, Y32, out, batches, rows, inner, cols, transX, transY, false);
    }
    return new Tensor(out, [...batch, rows, cols]);
  }
  const C = new Float64Array(nb * rows * cols);
  for (let b = 0; b < nb; b++) {
    gemm(X.data, xi[b]! * rows * inner, Y.data, yi[b]! * inner * cols, C, b * rows * cols, rows, inner, cols, transX, transY);
  }
  const out = allocStorage(dtype, C.length);
  out.set(C);
  return new Tensor(out, [...batch, rows, cols]);
}

/** Matrix product following torch.matmul: 1-D operands get a dim added then removed; batch dims broadcast. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (!(b instanceof Tensor)) throw new ArgumentError(`matmul: other must be a Tensor, got ${typeof b}`);
  if (!isFloatingDType(a.dtype) || !isFloatingDType(b.dtype)) return integerMatmul(a, b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ArgumentError(`matmul: both arguments need at least 1 dimension, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const aVec = a.ndim === 1;
  const bVec = b.ndim === 1;
  const k = a.shape[a.ndim - 1]!;
  if (k !== b.shape[bVec ? 0 : b.ndim - 2]) {
    throw new ShapeError(`matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be multiplied`);
  }
  const A = aVec ? new Tensor(a.data, [1, k]) : a;
  const B = bVec ? new Tensor(b.data, [k, 1]) : b;
  const full = bmm(A, B, false, false, "matmul");
  const fullShape = full.shape;
  const outShape = fullShape.filter((_, i) => !((aVec && i === fullShape.length - 2) || (bVec && i === fullShape.length - 1)));
  const out = new Tensor(full.data, outShape);
  if (!needsGraph(a, b)) return out;
  // The operands themselves, so that under createGraph the products below are recorded in terms of them.
  const keepA = b.requiresGrad ? a : null;
  const keepB = a.requiresGrad ? b : null;
  const saved = [keepA, keepB].filter((t): t is Tensor => t !== null);
  // PyTorch's node names for each case of torch.matmul.
  const name =
    aVec && bVec ? "DotBackward0"
    : a.ndim === 2 && bVec ? "MvBackward0"
    : aVec && b.ndim === 2 ? "SqueezeBackward3"
    : a.ndim === 2 && b.ndim === 2 ? "MmBackward0"
    : "UnsafeViewBackward0";
  return recordOp(out, name, [a, b], saved, (g, needs) => {
    if (isGradEnabled()) return matmulBackwardInGraph(g.reshape(fullShape), keepA, keepB, aVec, bVec, needs);
    const g3 = new Tensor(g.data, fullShape);
    // dA = g @ Bᵀ, dB = Aᵀ @ g, in the broadcast batch shape; the engine sums batch dims back.
    let gA: Tensor | null = null;
    let gB: Tensor | null = null;
    if (needs[0]) {
      const r = bmm(g3, bVec ? new Tensor(keepB!.data, [k, 1]) : keepB!, false, true, "matmul backward");
      gA = aVec ? new Tensor(r.data, [...r.shape.slice(0, -2), k]) : r;
    }
    if (needs[1]) {
      const A3 = aVec ? new Tensor(keepA!.data, [1, k]) : keepA!;
      // B shared by every batch of A: dB = Σ_b A_bᵀ·g_b is one product over all the rows, with no
      // per-batch gradients to sum afterwards.
      const flat = B.ndim === 2 && A3.ndim > 2;
      const r = flat
        ? bmm(new Tensor(A3.data, [A3.numel() / k, k]), new Tensor(g3.data, [g3.numel() / B.shape[1]!, B.shape[1]!]), true, false, "matmul backward")
        : bmm(A3, g3, true, false, "matmul backward");
      gB = bVec ? new Tensor(r.data, r.shape.slice(0, -1)) : r;
    }
    return [gA, gB];
  }, DIFFERENTIABLE);
}

/**
 * matmul's backward as recorded ops (for createGraph): dA = g·Bᵀ, dB = Aᵀ·g with 1-D operands as
 * [1, k] / [k, 1] matrices; `g` is the gradient in the unsqueezed, broadcast shape.
 */
function matmulBackwardInGraph(
  g: Tensor, a: Tensor | null, b: Tensor | null, aVec: boolean, bVec: boolean, needs: readonly boolean[],
): (Tensor | null)[] {
  let gA: Tensor | null = null;
  let gB: Tensor | null = null;
  if (needs[0]) {
    const B = bVec ? b!.reshape(b!.shape[0]!, 1) : b!;
    const r = g.matmul(B.transpose(-1, -2));
    gA = aVec ? r.reshape([...r.shape.slice(0, -2), r.shape[r.ndim - 1]!]) : r;
  }
  if (needs[1]) {
    const A = aVec ? a!.reshape(1, a!.shape[0]!) : a!;
    const r = A.transpose(-1, -2).matmul(g);
    gB = bVec ? r.reshape(r.shape.slice(0, -1)) : r;
  }
  return [gA, gB];
}

/** int × int of one dtype (exact below 2^53, computed in float64); PyTorch refuses mixed or bool operands. */
function integerMatmul(a: Tensor, b: Tensor): Tensor {
  if (a.dtype !== b.dtype || a.dtype === "bool") {
    throw new DTypeError(
      `matmul: expected both operands to have the same integer or float dtype, got ${a.dtype} and ${b.dtype} ` +
        "(convert with .float(), e.g. x.float().matmul(w))",
    );
  }
  return castTo(matmul(castTo(a, "float64"), castTo(b, "float64")), a.dtype);
}

// The fully connected layer's op, fused: y = x·Wᵀ + b as one product with the bias as its starting
// value, and a backward that reads W and x in place (no transposed copies, no broadcast sum node).
import { needsGraph, recordOp } from "./autograd.js";
import { allocStorage, allocStorageToFill, promoteTypes, type Storage } from "./dtype.js";
import { ArgumentError, ShapeError } from "./errors.js";
import { gemmAdd } from "./gemm.js";
import { useWasm } from "./kernels/backend.js";
import { wasmGemm, wasmLinear } from "./kernels/wasm.js";
import { formatShape } from "./shape.js";
import { sumToShapeRaw } from "./sum-to-shape.js";
import { Tensor } from "./tensor.js";

/**
 * linear(input[…, in], weight[out, in], bias[out]?) → […, out] with y = input·weightᵀ + bias, as
 * torch.nn.functional.linear (gradFn AddmmBackward0 / MmBackward0 for a 2-D input, as PyTorch names them).
 * Backward: dInput = g·W, dWeight = gᵀ·input (over all leading dims), dBias = Σ_rows g.
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (!(input instanceof Tensor) || !(weight instanceof Tensor)) throw new ArgumentError("linear: input and weight must be Tensors");
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be 2-D (out, in), got shape ${formatShape(weight.shape)}`);
  const [outF, inF] = weight.shape as [number, number];
  if (input.ndim === 0 || input.shape[input.ndim - 1] !== inF) {
    throw new ShapeError(`linear: input of shape ${formatShape(input.shape)} has ${input.shape[input.ndim - 1] ?? 0} features, weight ${formatShape(weight.shape)} expects ${inF}`);
  }
  const b = bias ?? null;
  if (b !== null && (b.ndim !== 1 || b.shape[0] !== outF)) {
    throw new ShapeError(`linear: bias must have shape (${outF}), got ${formatShape(b.shape)}`);
  }
  let dtype = promoteTypes(input.dtype, weight.dtype);
  if (b !== null) dtype = promoteTypes(dtype, b.dtype);
  const rows = input.numel() / inF;
  const outShape = [...input.shape.slice(0, -1), outF];
  // float32 results accumulate in float32 (the SIMD kernel when on); float64 ones in double.
  const acc: Storage = dtype === "float32" ? allocStorage(dtype, rows * outF) : new Float64Array(rows * outF);
  if (b !== null) for (let r = 0; r < rows; r++) acc.set(b.data, r * outF);
  gemmAdd(input.data, 0, weight.data, 0, acc, 0, rows, inF, outF, false, true);
  let data = acc;
  if (dtype === "float64" && !(acc instanceof Float64Array)) data = Float64Array.from(acc);
  const out = new Tensor(data, outShape);
  const inputs = b === null ? [input, weight] : [input, weight, b];
  if (!needsGraph(...inputs)) return out;
  const x = input.detach();
  const w = weight.detach();
  const name = input.ndim !== 2 ? (b === null ? "UnsafeViewBackward0" : "ViewBackward0") : b === null ? "MmBackward0" : "AddmmBackward0";
  const saved = [weight.requiresGrad ? x : null, input.requiresGrad ? w : null].filter((t): t is Tensor => t !== null);
  return recordOp(out, name, inputs, saved, (g, needs) => {
    const gd = g.data;
    const scratch = (n: number): Storage => (g.dtype === "float32" ? allocStorage("float32", n) : new Float64Array(n));
    let dX: Tensor | null = null;
    if (needs[0]) {
      const r = scratch(rows * inF);
      gemmAdd(gd, 0, w.data, 0, r, 0, rows, outF, inF, false, false);
      dX = new Tensor(r, input.shape);
    }
    let dW: Tensor | null = null;
    if (needs[1]) {
      const r = scratch(outF * inF);
      gemmAdd(gd, 0, x.data, 0, r, 0, outF, rows, inF, true, false);
      dW = new Tensor(r, weight.shape);
    }
    let dB: Tensor | null = null;
    if (needs[2]) {
      const r = new Float64Array(outF);
      for (let i = 0; i < rows * outF; i += outF) for (let j = 0; j < outF; j++) r[j]! += gd[i + j]!;
      dB = new Tensor(g.dtype === "float32" ? Float32Array.from(r) : r, [outF]);
    }
    return [dX, dW, dB];
  });
}

const SINGLE = [{ xo: 0, yo: 0, co: 0 }] as const;

/**
 * @internal nn.Linear's forward when it can be fused: a 2-D float32 input, float32 weight and bias,
 * the "wasm" backend; otherwise null (the caller then uses `input.matmul(weight.T).add(bias)`). One
 * node (AddmmBackward0 / MmBackward0, PyTorch's names for a Linear layer) instead of a transposed
 * weight copy, a product and a broadcast add, with the same arithmetic as that composition, so the
 * results are bit-identical: the product in the SIMD kernel, then the bias added to each float32 entry;
 * backward dInput = g·W, dWeight = gᵀ·input (in the kernel, each entry summed over the rows in order),
 * dBias = the rows of g summed in float64 (as the broadcast add's gradient is).
 */
export function linearLayer(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor | null {
  if (input.ndim !== 2 || !useWasm()) return null;
  const x = input.data;
  const w = weight.data;
  const bd = bias === null ? null : bias.data;
  if (!(x instanceof Float32Array) || !(w instanceof Float32Array) || (bd !== null && !(bd instanceof Float32Array))) return null;
  if (weight.ndim !== 2 || (bias !== null && bias.ndim !== 1)) return null;
  const [outF, inF] = weight.shape as [number, number];
  const rows = input.shape[0]!;
  if (input.shape[1] !== inF || (bias !== null && bias.shape[0] !== outF)) return null;
  const out = allocStorageToFill("float32", rows * outF) as Float32Array;
  wasmLinear(x, w, bd, out, rows, inF, outF);
  const y = new Tensor(out, [rows, outF]);
  const inputs = bias === null ? [input, weight] : [input, weight, bias];
  if (!needsGraph(...inputs)) return y;
  const keepX = weight.requiresGrad ? input.detach() : null;
  const keepW = input.requiresGrad ? weight.detach() : null;
  const saved = keepX === null ? (keepW === null ? [] : [keepW]) : keepW === null ? [keepX] : [keepX, keepW];
  return recordOp(y, bias === null ? "MmBackward0" : "AddmmBackward0", inputs, saved, (g, needs) => {
    const gd = g.data as Float32Array;
    let dX: Tensor | null = null;
    if (needs[0]) {
      const r = allocStorageToFill("float32", rows * inF) as Float32Array;
      wasmGemm(gd, keepW!.data as Float32Array, r, SINGLE, rows, outF, inF, false, false, false);
      dX = new Tensor(r, [rows, inF]);
    }
    let dW: Tensor | null = null;
    if (needs[1]) {
      const r = allocStorageToFill("float32", outF * inF) as Float32Array;
      wasmGemm(gd, keepX!.data as Float32Array, r, SINGLE, outF, rows, inF, true, false, false);
      dW = new Tensor(r, [outF, inF]);
    }
    let dB: Tensor | null = null;
    if (needs[2]) {
      const r = allocStorage("float32", outF);
      r.set(sumToShapeRaw(g, [outF]));
      dB = new Tensor(r, [outF]);
    }
    return [dX, dW, dB];
  });
}

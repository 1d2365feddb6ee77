// The fully connected layer's op, fused: y = x·Wᵀ + b as one product with the bias as its starting
// value, and a backward that reads W and x in place (no transposed copies, no broadcast sum node).
import { needsGraph, recordOp } from "./autograd.js";
import { allocStorage, promoteTypes, type Storage } from "./dtype.js";
import { ArgumentError, ShapeError } from "./errors.js";
import { gemmAdd } from "./gemm.js";
import { formatShape } from "./shape.js";
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
  const rows = input.numel / inF;
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

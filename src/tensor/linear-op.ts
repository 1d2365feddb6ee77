// linear(input, weight, bias) = input·weightᵀ + bias: torch.nn.functional.linear and nn.Linear's
// forward. The composition of tensor ops is the reference; a float32 input on the "wasm" backend takes
// one fused node instead, with the same bits for a 2-D input (test/nn/fused.test.ts); more dims are
// folded into its rows.
import { DIFFERENTIABLE, needsGraph, recordOp } from "./autograd.js";
import { isGradEnabled } from "./grad-mode.js";
import { allocStorage, allocStorageToFill } from "./dtype.js";
import { ArgumentError, ShapeError } from "./errors.js";
import { useWasm } from "./kernels/backend.js";
import { wasmGemm, wasmLinear } from "./kernels/wasm.js";
import { formatShape } from "./shape.js";
import { sumToShapeRaw } from "./sum-to-shape.js";
import { viewAs } from "./views.js";
import { Tensor } from "./tensor.js";

/**
 * linear(input[…, in], weight[out, in], bias[out]?) → […, out] with y = input·weightᵀ + bias, as
 * torch.nn.functional.linear. Backward: dInput = g·W, dWeight = gᵀ·input (over all leading dims), dBias = Σ_rows g.
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
  return fusedLinear(input, weight, b) ?? linearReference(input, weight, b);
}

/** The reference: the formula as tensor ops, a product and then the bias broadcast over the rows. */
function linearReference(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const product = input.matmul(weight.T);
  return bias === null ? product : product.add(bias);
}

const SINGLE = [{ xo: 0, yo: 0, co: 0 }] as const;

/**
 * The fused node for a float32 input (2-D, or more dims viewed as 2-D), float32 weight and bias, on
 * the "wasm" backend; otherwise null. One node (AddmmBackward0 / MmBackward0, PyTorch's names for a Linear layer) instead of a
 * transposed weight copy, a product and a broadcast add, with the same arithmetic as that composition:
 * the product in the SIMD kernel, then the bias added to each float32 entry; backward dInput = g·W,
 * dWeight = gᵀ·input (in the kernel, each entry summed over the rows in order), dBias = the rows of g
 * summed in float64 (as the broadcast add's gradient is).
 */
function fusedLinear(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor | null {
  if (input.ndim > 2) {
    // Leading dims folded into rows (views of the same storage), as PyTorch 1.13 does: a 3-D input
    // with a bias is one addmm viewed back (ViewBackward0); otherwise a folded mm viewed back
    // (UnsafeViewBackward0), then the bias added (AddBackward0). The weight is read in place, with no
    // transposed copy kept for backward.
    const [outF, inF] = weight.shape as [number, number];
    const withBias = input.ndim === 3 ? bias : null;
    const y = fusedLinear(viewAs(input, [input.numel() / inF, inF], "ViewBackward0"), weight, withBias);
    if (y === null) return null;
    const out = viewAs(y, [...input.shape.slice(0, -1), outF], withBias !== null ? "ViewBackward0" : "UnsafeViewBackward0");
    return bias === null || withBias !== null ? out : out.add(bias);
  }
  if (input.ndim !== 2 || !useWasm()) return null;
  const x = input.data;
  const w = weight.data;
  const bd = bias === null ? null : bias.data;
  if (!(x instanceof Float32Array) || !(w instanceof Float32Array) || (bd !== null && !(bd instanceof Float32Array))) return null;
  const [outF, inF] = weight.shape as [number, number];
  const rows = input.shape[0]!;
  const out = allocStorageToFill("float32", rows * outF) as Float32Array;
  wasmLinear(x, w, bd, out, rows, inF, outF);
  const y = new Tensor(out, [rows, outF]);
  const inputs = bias === null ? [input, weight] : [input, weight, bias];
  if (!needsGraph(...inputs)) return y;
  const keepX = weight.requiresGrad ? input : null;
  const keepW = input.requiresGrad ? weight : null;
  const saved = keepX === null ? (keepW === null ? [] : [keepW]) : keepW === null ? [keepX] : [keepX, keepW];
  return recordOp(y, bias === null ? "MmBackward0" : "AddmmBackward0", inputs, saved, (g, needs) => {
    // Under createGraph: the same formulas as recorded ops, so they can be differentiated again.
    if (isGradEnabled()) return [needs[0] ? g.matmul(keepW!) : null, needs[1] ? g.T.matmul(keepX!) : null, needs[2] ? g.sum(0) : null];
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
  }, DIFFERENTIABLE);
}

// Unary elementwise ops: neg exp log sqrt abs relu sigmoid tanh sin cos, each with its derivative beside it.
import { DIFFERENTIABLE, needsGraph, recordOp } from "./autograd.js";
import { isGradEnabled } from "./grad-mode.js";
import { allocStorage, allocStorageToFill, DEFAULT_DTYPE, isFloatingDType, type Storage } from "./dtype.js";
import { DTypeError } from "./errors.js";
import { castTo } from "./sum-to-shape.js";
import { Tensor } from "./tensor.js";
import { wasmWorthIt } from "./kernels/backend.js";
import { wasmRelu, wasmReluBackward } from "./kernels/wasm.js";

/** The unary ops, by name: the loops below switch on it. */
type UnaryOp = "neg" | "exp" | "log" | "sqrt" | "abs" | "relu" | "sigmoid" | "tanh" | "sin" | "cos";

function kernel(op: UnaryOp, a: Storage, out: Storage): void {
  const n = out.length;
  switch (op) {
    case "neg": for (let i = 0; i < n; i++) out[i] = -a[i]!; break;
    case "exp": for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]!); break;
    case "log": for (let i = 0; i < n; i++) out[i] = Math.log(a[i]!); break;
    case "sqrt": for (let i = 0; i < n; i++) out[i] = Math.sqrt(a[i]!); break;
    case "abs": for (let i = 0; i < n; i++) out[i] = Math.abs(a[i]!); break;
    // Math.max keeps NaN and has no branch to mispredict on mixed signs.
    case "relu": for (let i = 0; i < n; i++) out[i] = Math.max(a[i]!, 0); break;
    case "sigmoid":
      for (let i = 0; i < n; i++) {
        const x = a[i]!;
        // Split by sign so exp never overflows.
        if (x >= 0) out[i] = 1 / (1 + Math.exp(-x));
        else {
          const e = Math.exp(x);
          out[i] = e / (1 + e);
        }
      }
      break;
    case "tanh": for (let i = 0; i < n; i++) out[i] = Math.tanh(a[i]!); break;
    case "sin": for (let i = 0; i < n; i++) out[i] = Math.sin(a[i]!); break;
    case "cos": for (let i = 0; i < n; i++) out[i] = Math.cos(a[i]!); break;
  }
}

/** The ops whose result is an integer for an integer input (the others give float32, as in PyTorch). */
const KEEPS_INTEGERS: readonly UnaryOp[] = ["neg", "abs", "relu"];

function unary(op: UnaryOp, a: Tensor): Tensor {
  if (!isFloatingDType(a.dtype)) return integerUnary(op, a);
  const out = allocStorageToFill(a.dtype, a.numel());
  if (op === "relu" && out instanceof Float32Array && a.data instanceof Float32Array && wasmWorthIt(out.length)) {
    wasmRelu(a.data, out);
    return new Tensor(out, a.shape);
  }
  kernel(op, a.data, out);
  return new Tensor(out, a.shape);
}

/** `op` on an integer or bool tensor, computed on a float copy so that the loops above see only floats. */
function integerUnary(op: UnaryOp, a: Tensor): Tensor {
  if (a.dtype === "bool" && KEEPS_INTEGERS.includes(op)) {
    throw new DTypeError(
      op === "neg"
        ? "neg: negation, the `-` operator, on a bool tensor is not supported; to invert a mask use logicalNot()"
        : `${op}: not implemented for bool tensors; convert with .long() or .float() first`,
    );
  }
  if (!KEEPS_INTEGERS.includes(op)) return unary(op, castTo(a, DEFAULT_DTYPE));
  return castTo(unary(op, castTo(a, "float64")), a.dtype);
}

/** grad ⊙ f(saved), computed in one loop; `f` picked by `op`. */
function gradKernel(op: UnaryOp, g: Tensor, s: Storage): Tensor {
  const gd = g.data;
  const n = gd.length;
  const r = allocStorageToFill(g.dtype, n);
  if (op === "relu" && r instanceof Float32Array && gd instanceof Float32Array && s instanceof Float32Array && wasmWorthIt(n)) {
    wasmReluBackward(s, gd, r);
    return new Tensor(r, g.shape);
  }
  switch (op) {
    case "abs": for (let i = 0; i < n; i++) r[i] = s[i]! > 0 ? gd[i]! : s[i]! < 0 ? -gd[i]! : 0; break;
    case "relu": for (let i = 0; i < n; i++) r[i] = s[i]! > 0 ? gd[i]! : 0; break;
    case "sigmoid": for (let i = 0; i < n; i++) r[i] = gd[i]! * s[i]! * (1 - s[i]!); break;
    case "tanh": for (let i = 0; i < n; i++) r[i] = gd[i]! * (1 - s[i]! * s[i]!); break;
  }
  return new Tensor(r, g.shape);
}

/**
 * grad ⊙ f'(x) for abs/relu/sigmoid/tanh from their saved value: the fused loop, or under createGraph
 * the same product as recorded ops (f' from the saved output for sigmoid/tanh; a constant mask for abs/relu).
 */
function unaryGrad(op: UnaryOp, g: Tensor, s: Tensor): Tensor {
  if (!isGradEnabled()) return gradKernel(op, g, s.data);
  switch (op) {
    case "sigmoid": return g.mul(s.mul(s.neg().add(1)));
    case "tanh": return g.mul(s.mul(s).neg().add(1));
    default: return g.mul(gradKernel(op, s.onesLikeDetached(), s.data));
  }
}

/** -a. */
export function neg(a: Tensor): Tensor {
  return recordOp(unary("neg", a), "NegBackward0", [a], [], (g) => [g.neg()], DIFFERENTIABLE);
}

/** e^a; d/da = e^a (the output is saved). */
export function exp(a: Tensor): Tensor {
  const out = unary("exp", a);
  if (!needsGraph(a)) return out;
  const y = out;
  return recordOp(out, "ExpBackward0", [a], [y], (g) => [g.mul(y)], DIFFERENTIABLE);
}

/** ln a; d/da = 1/a. */
export function log(a: Tensor): Tensor {
  const out = unary("log", a);
  if (!needsGraph(a)) return out;
  const x = a;
  return recordOp(out, "LogBackward0", [a], [x], (g) => [g.div(x)], DIFFERENTIABLE);
}

/** √a; d/da = 1/(2√a) (the output is saved). */
export function sqrt(a: Tensor): Tensor {
  const out = unary("sqrt", a);
  if (!needsGraph(a)) return out;
  const y = out;
  return recordOp(out, "SqrtBackward0", [a], [y], (g) => [g.div(y.mul(2))], DIFFERENTIABLE);
}

/** |a|; d/da = sign(a) (0 at 0, as PyTorch). */
export function abs(a: Tensor): Tensor {
  const out = unary("abs", a);
  if (!needsGraph(a)) return out;
  const x = a.detach();
  return recordOp(out, "AbsBackward0", [a], [x], (g) => [unaryGrad("abs", g, x)], DIFFERENTIABLE);
}

/** max(a, 0); d/da = 1 where the output is positive (the output is saved). */
export function relu(a: Tensor): Tensor {
  const out = unary("relu", a);
  if (!needsGraph(a)) return out;
  const y = out.detach();
  return recordOp(out, "ReluBackward0", [a], [y], (g) => [unaryGrad("relu", g, y)], DIFFERENTIABLE);
}

/** σ(a) = 1/(1+e^-a); d/da = σ(1-σ) (the output is saved). */
export function sigmoid(a: Tensor): Tensor {
  const out = unary("sigmoid", a);
  if (!needsGraph(a)) return out;
  const y = out;
  return recordOp(out, "SigmoidBackward0", [a], [y], (g) => [unaryGrad("sigmoid", g, y)], DIFFERENTIABLE);
}

/** tanh a; d/da = 1 - tanh² (the output is saved). */
export function tanh(a: Tensor): Tensor {
  const out = unary("tanh", a);
  if (!needsGraph(a)) return out;
  const y = out;
  return recordOp(out, "TanhBackward0", [a], [y], (g) => [unaryGrad("tanh", g, y)], DIFFERENTIABLE);
}

/** sin a; d/da = cos a. */
export function sin(a: Tensor): Tensor {
  const out = unary("sin", a);
  if (!needsGraph(a)) return out;
  const x = a;
  return recordOp(out, "SinBackward0", [a], [x], (g) => [g.mul(isGradEnabled() ? cos(x) : unary("cos", x))], DIFFERENTIABLE);
}

/** cos a; d/da = −sin a. */
export function cos(a: Tensor): Tensor {
  const out = unary("cos", a);
  if (!needsGraph(a)) return out;
  const x = a;
  return recordOp(out, "CosBackward0", [a], [x], (g) => [g.mul(isGradEnabled() ? sin(x) : unary("sin", x)).neg()], DIFFERENTIABLE);
}

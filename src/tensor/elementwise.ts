// Binary elementwise ops with broadcasting: add sub mul div pow maximum minimum, and the comparisons
// eq ne gt ge lt le (bool results), in PyTorch's result dtype.
import { DIFFERENTIABLE, needsGraph, recordOp } from "./autograd.js";
import { allocStorageToFill, DEFAULT_DTYPE, isFloatingDType, resultType, type Storage } from "./dtype.js";
import { ArgumentError, DTypeError } from "./errors.js";
import { broadcastIndex, broadcastShapes, shapeNumel, shapesEqual } from "./shape.js";
import { blockLayout, castTo } from "./sum-to-shape.js";
import { wasmWorthIt } from "./kernels/backend.js";
import { hasWasmBinaryOp, wasmBinaryRows } from "./kernels/wasm.js";
import { Tensor } from "./tensor.js";

/** The binary ops, by name: the loops below switch on it, and the SIMD kernel says which it has. */
type BinaryOp = "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum" | Comparison;
type Comparison = "eq" | "ne" | "gt" | "ge" | "lt" | "le";
const COMPARISONS: readonly string[] = ["eq", "ne", "gt", "ge", "lt", "le"];

function checkOther(other: Tensor | number, op: string): void {
  if (typeof other === "number") return;
  if (!(other instanceof Tensor)) {
    throw new ArgumentError(`${op}: other must be a Tensor or a number, got ${typeof other}`);
  }
}

/** Same-shape (or tensor-with-number) kernel: tight loops, one per op. */
function kernelScalar(op: BinaryOp, a: Storage, b: number, out: Storage): void {
  const n = out.length;
  switch (op) {
    case "add": for (let i = 0; i < n; i++) out[i] = a[i]! + b; break;
    case "sub": for (let i = 0; i < n; i++) out[i] = a[i]! - b; break;
    case "mul": for (let i = 0; i < n; i++) out[i] = a[i]! * b; break;
    case "div": for (let i = 0; i < n; i++) out[i] = a[i]! / b; break;
    case "pow":
      if (b === 2) for (let i = 0; i < n; i++) out[i] = a[i]! * a[i]!;
      else for (let i = 0; i < n; i++) out[i] = Math.pow(a[i]!, b);
      break;
    case "eq": for (let i = 0; i < n; i++) out[i] = a[i] === b ? 1 : 0; break;
    case "maximum": for (let i = 0; i < n; i++) out[i] = a[i]! >= b || Number.isNaN(a[i]!) ? a[i]! : b; break;
    case "minimum": for (let i = 0; i < n; i++) out[i] = a[i]! <= b || Number.isNaN(a[i]!) ? a[i]! : b; break;
    case "ne": for (let i = 0; i < n; i++) out[i] = a[i] !== b ? 1 : 0; break;
    case "gt": for (let i = 0; i < n; i++) out[i] = a[i]! > b ? 1 : 0; break;
    case "ge": for (let i = 0; i < n; i++) out[i] = a[i]! >= b ? 1 : 0; break;
    case "lt": for (let i = 0; i < n; i++) out[i] = a[i]! < b ? 1 : 0; break;
    case "le": for (let i = 0; i < n; i++) out[i] = a[i]! <= b ? 1 : 0; break;
  }
}

function kernelSame(op: BinaryOp, a: Storage, b: Storage, out: Storage): void {
  const n = out.length;
  switch (op) {
    case "add": for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!; break;
    case "sub": for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!; break;
    case "mul": for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!; break;
    case "div": for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!; break;
    case "pow": for (let i = 0; i < n; i++) out[i] = Math.pow(a[i]!, b[i]!); break;
    case "eq": for (let i = 0; i < n; i++) out[i] = a[i] === b[i] ? 1 : 0; break;
    case "maximum": for (let i = 0; i < n; i++) out[i] = a[i]! >= b[i]! || Number.isNaN(a[i]!) ? a[i]! : b[i]!; break;
    case "minimum": for (let i = 0; i < n; i++) out[i] = a[i]! <= b[i]! || Number.isNaN(a[i]!) ? a[i]! : b[i]!; break;
    case "ne": for (let i = 0; i < n; i++) out[i] = a[i] !== b[i] ? 1 : 0; break;
    case "gt": for (let i = 0; i < n; i++) out[i] = a[i]! > b[i]! ? 1 : 0; break;
    case "ge": for (let i = 0; i < n; i++) out[i] = a[i]! >= b[i]! ? 1 : 0; break;
    case "lt": for (let i = 0; i < n; i++) out[i] = a[i]! < b[i]! ? 1 : 0; break;
    case "le": for (let i = 0; i < n; i++) out[i] = a[i]! <= b[i]! ? 1 : 0; break;
  }
}

function kernelBroadcast(op: BinaryOp, a: Storage, ia: Int32Array, b: Storage, ib: Int32Array, out: Storage): void {
  const n = out.length;
  switch (op) {
    case "add": for (let i = 0; i < n; i++) out[i] = a[ia[i]!]! + b[ib[i]!]!; break;
    case "sub": for (let i = 0; i < n; i++) out[i] = a[ia[i]!]! - b[ib[i]!]!; break;
    case "mul": for (let i = 0; i < n; i++) out[i] = a[ia[i]!]! * b[ib[i]!]!; break;
    case "div": for (let i = 0; i < n; i++) out[i] = a[ia[i]!]! / b[ib[i]!]!; break;
    case "pow": for (let i = 0; i < n; i++) out[i] = Math.pow(a[ia[i]!]!, b[ib[i]!]!); break;
    case "eq": for (let i = 0; i < n; i++) out[i] = a[ia[i]!] === b[ib[i]!] ? 1 : 0; break;
    case "maximum":
      for (let i = 0; i < n; i++) {
        const x = a[ia[i]!]!, y = b[ib[i]!]!;
        out[i] = x >= y || Number.isNaN(x) ? x : y;
      }
      break;
    case "minimum":
      for (let i = 0; i < n; i++) {
        const x = a[ia[i]!]!, y = b[ib[i]!]!;
        out[i] = x <= y || Number.isNaN(x) ? x : y;
      }
      break;
    case "ne": for (let i = 0; i < n; i++) out[i] = a[ia[i]!] !== b[ib[i]!] ? 1 : 0; break;
    case "gt": for (let i = 0; i < n; i++) out[i] = a[ia[i]!]! > b[ib[i]!]! ? 1 : 0; break;
    case "ge": for (let i = 0; i < n; i++) out[i] = a[ia[i]!]! >= b[ib[i]!]! ? 1 : 0; break;
    case "lt": for (let i = 0; i < n; i++) out[i] = a[ia[i]!]! < b[ib[i]!]! ? 1 : 0; break;
    case "le": for (let i = 0; i < n; i++) out[i] = a[ia[i]!]! <= b[ib[i]!]! ? 1 : 0; break;
  }
}

/** out[i] = a[i] op b[i mod b.length]: b repeated along a's leading dims. */
function kernelRows(op: BinaryOp, a: Storage, b: Storage, out: Storage): void {
  const n = out.length;
  const m = b.length;
  switch (op) {
    case "add": for (let r = 0; r < n; r += m) for (let j = 0; j < m; j++) out[r + j] = a[r + j]! + b[j]!; break;
    case "sub": for (let r = 0; r < n; r += m) for (let j = 0; j < m; j++) out[r + j] = a[r + j]! - b[j]!; break;
    case "mul": for (let r = 0; r < n; r += m) for (let j = 0; j < m; j++) out[r + j] = a[r + j]! * b[j]!; break;
    case "div": for (let r = 0; r < n; r += m) for (let j = 0; j < m; j++) out[r + j] = a[r + j]! / b[j]!; break;
    default: {
      const ib = new Int32Array(n);
      for (let i = 0; i < n; i++) ib[i] = i % m;
      const ia = new Int32Array(n);
      for (let i = 0; i < n; i++) ia[i] = i;
      kernelBroadcast(op, a, ia, b, ib, out);
    }
  }
}

/** Runs float32 rows in the SIMD kernel when it has the op and that pays; false when the JS loops should. */
function wasmRows(op: BinaryOp, a: Storage, b: Storage, out: Storage): boolean {
  if (!hasWasmBinaryOp(op) || !(out instanceof Float32Array && a instanceof Float32Array && b instanceof Float32Array)) return false;
  if (!wasmWorthIt(out.length)) return false;
  wasmBinaryRows(op, a, b, out);
  return true;
}

/**
 * Forward of a binary op without any graph: the broadcast result in PyTorch's result dtype (a
 * comparison gives 0/1 in the dtype it compared in; `compare` makes that bool).
 */
function binary(op: BinaryOp, a: Tensor, b: Tensor | number, name: string = op): Tensor {
  checkOther(b, name);
  if (!isFloatingDType(a.dtype) || (typeof b !== "number" && !isFloatingDType(b.dtype))) return integerBinary(op, a, b, name);
  if (typeof b === "number") {
    const out = allocStorageToFill(a.dtype, a.numel());
    kernelScalar(op, a.data, b, out);
    return new Tensor(out, a.shape);
  }
  const dtype = a.dtype === b.dtype ? a.dtype : resultType(a, b);
  if (shapesEqual(a.shape, b.shape)) {
    const out = allocStorageToFill(dtype, a.numel());
    if (!wasmRows(op, a.data, b.data, out)) kernelSame(op, a.data, b.data, out);
    return new Tensor(out, a.shape);
  }
  const shape = broadcastShapes(a.shape, b.shape, name);
  const out = allocStorageToFill(dtype, shapeNumel(shape));
  if (b.numel() === 1 && shapesEqual(shape, a.shape)) {
    kernelScalar(op, a.data, b.data[0]!, out);
    return new Tensor(out, shape);
  }
  if (shapesEqual(shape, a.shape) && blockLayout(shape, b.shape) === "suffix") {
    // b repeats along the leading dims (a bias row): no index maps.
    if (!wasmRows(op, a.data, b.data, out)) kernelRows(op, a.data, b.data, out);
    return new Tensor(out, shape);
  }
  kernelBroadcast(op, a.data, broadcastIndex(shape, a.shape), b.data, broadcastIndex(shape, b.shape), out);
  return new Tensor(out, shape);
}

/**
 * A binary op with an integer or bool operand: computed on float copies (so the loops above only ever
 * see float arrays and stay fast), then stored in the result dtype. Integer results are exact while
 * they stay below 2^53; int / int is true division (float32), as in PyTorch.
 */
function integerBinary(op: BinaryOp, a: Tensor, b: Tensor | number, name: string): Tensor {
  const bDType = typeof b === "number" ? null : b.dtype;
  if (op === "sub" && (a.dtype === "bool" || bDType === "bool")) {
    throw new DTypeError(`${name}: subtraction, the \`-\` operator, with a bool tensor is not supported; to invert a mask use logicalNot()`);
  }
  let dtype = resultType(a, b);
  if (op === "pow" && dtype === "bool") throw new DTypeError(`${name}: not implemented for bool tensors; convert with .long() or .float() first`);
  if (op === "div" && !isFloatingDType(dtype)) dtype = DEFAULT_DTYPE;
  if (op === "pow" && !isFloatingDType(dtype) && (typeof b === "number" ? b < 0 : b.data.some((v) => v < 0))) {
    throw new ArgumentError(`${name}: integers to negative integer powers are not allowed (exponent of ${typeof b === "number" ? b : `dtype ${bDType}`}); use a float base, e.g. x.float().pow(-1)`);
  }
  const compute = isFloatingDType(dtype) ? dtype : "float64";
  const fa = isFloatingDType(a.dtype) ? a : castTo(a, compute);
  const fb = typeof b === "number" || isFloatingDType(b.dtype) ? b : castTo(b, compute);
  const out = binary(op, fa, fb, name);
  return COMPARISONS.includes(op) ? out : castTo(out, dtype);
}

const inputsOf = (a: Tensor, b: Tensor | number): Tensor[] => (typeof b === "number" ? [a] : [a, b]);
const needsOf = (t: Tensor | number): boolean => typeof t !== "number" && t.requiresGrad;

/** a + b, broadcasting. */
export function add(a: Tensor, b: Tensor | number): Tensor {
  return recordOp(binary("add", a, b), "AddBackward0", inputsOf(a, b), [], (g) => [g, g], DIFFERENTIABLE);
}

/** a - b, broadcasting. */
export function sub(a: Tensor, b: Tensor | number): Tensor {
  return recordOp(binary("sub", a, b), "SubBackward0", inputsOf(a, b), [], (g, needs) => [
    g,
    needs[1] ? g.neg() : null,
  ], DIFFERENTIABLE);
}

/** a * b, broadcasting. d/da = b, d/db = a. */
export function mul(a: Tensor, b: Tensor | number): Tensor {
  const out = binary("mul", a, b);
  if (!needsGraph(a, b)) return out;
  // The operands themselves (not detached copies), so createGraph can differentiate the backward.
  const keepB = a.requiresGrad ? b : null;
  const keepA = needsOf(b) ? a : null;
  const saved = [keepA, keepB].filter((t): t is Tensor | number => t !== null);
  return recordOp(out, "MulBackward0", inputsOf(a, b), saved, (g, needs) => [
    needs[0] ? g.mul(keepB!) : null,
    needs[1] ? g.mul(keepA!) : null,
  ], DIFFERENTIABLE);
}

/** a / b, broadcasting. d/da = 1/b, d/db = -a/b². */
export function div(a: Tensor, b: Tensor | number): Tensor {
  const out = binary("div", a, b);
  if (!needsGraph(a, b)) return out;
  const keepB = b;
  const keepA = needsOf(b) ? a : null;
  const saved = [keepA, keepB].filter((t): t is Tensor | number => t !== null);
  return recordOp(out, "DivBackward0", inputsOf(a, b), saved, (g, needs) => [
    needs[0] ? g.div(keepB) : null,
    needs[1] ? g.mul(keepA!).div((keepB as Tensor).mul(keepB)).neg() : null,
  ], DIFFERENTIABLE);
}

/** a ** p, broadcasting. d/da = p·a^(p-1), d/dp = a^p·ln(a) (0 where a = 0 and p ≥ 0, as PyTorch). */
export function pow(a: Tensor, p: Tensor | number): Tensor {
  const out = binary("pow", a, p);
  if (!needsGraph(a, p)) return out;
  const keepA = a;
  if (typeof p === "number") {
    return recordOp(out, "PowBackward0", [a], [keepA], (g) => [
      p === 0 ? g.mul(0) : g.mul(keepA.pow(p - 1).mul(p)),
    ], DIFFERENTIABLE);
  }
  const keepP = p;
  const keepOut = p.requiresGrad ? out : null;
  const saved = keepOut === null ? [keepA, keepP] : [keepA, keepP, keepOut];
  return recordOp(out, "PowBackward1", [a, p], saved, (g, needs) => [
    needs[0] ? g.mul(keepP.mul(keepA.pow(keepP.sub(1)))) : null,
    needs[1] ? g.mul(powExponentFactor(keepOut!, keepA, keepP)) : null,
  ], DIFFERENTIABLE);
}

/** out·ln(a), and 0 where a = 0 and p ≥ 0 (there out·ln(a) would be 0·(−∞)); recorded ops, for createGraph. */
function powExponentFactor(out: Tensor, a: Tensor, p: Tensor): Tensor {
  const shape = broadcastShapes(a.shape, p.shape, "pow");
  const ia = broadcastIndex(shape, a.shape);
  const ip = broadcastIndex(shape, p.shape);
  // keep: 0 at those points, 1 elsewhere; a + (1 − keep) is 1 there, so its log is a finite 0.
  const keep = allocStorageToFill(out.dtype, shapeNumel(shape));
  for (let i = 0; i < keep.length; i++) keep[i] = a.data[ia[i]!] === 0 && p.data[ip[i]!]! >= 0 ? 0 : 1;
  const keepT = new Tensor(keep, shape);
  return out.mul(a.add(keepT.neg().add(1)).log()).mul(keepT);
}

/** Elementwise maximum; the gradient goes to the larger input (split evenly on ties, as PyTorch). */
export function maximum(a: Tensor, b: Tensor | number): Tensor {
  return minMax("maximum", a, b, "MaximumBackward0");
}

/** Elementwise minimum; the gradient goes to the smaller input (split evenly on ties). */
export function minimum(a: Tensor, b: Tensor | number): Tensor {
  return minMax("minimum", a, b, "MinimumBackward0");
}

function minMax(op: "maximum" | "minimum", a: Tensor, b: Tensor | number, node: string): Tensor {
  const out = binary(op, a, b);
  if (!needsGraph(a, b)) return out;
  const keepA = a.detach();
  const keepB = typeof b === "number" ? b : b.detach();
  const saved = typeof keepB === "number" ? [keepA] : [keepA, keepB];
  return recordOp(out, node, inputsOf(a, b), saved, (g) => {
    // weight of a: 1 where a wins, 0.5 on ties, 0 where b wins.
    const wa = binary(op === "maximum" ? "gt" : "lt", keepA, keepB, op).add(binary("eq", keepA, keepB, op).mul(0.5));
    return [g.mul(wa), g.mul(wa.neg().add(1))];
  }, DIFFERENTIABLE);
}

/** A comparison's 0/1 as a bool tensor; never part of a graph. */
function compare(op: Comparison, a: Tensor, b: Tensor | number): Tensor {
  return castTo(binary(op, a, b), "bool");
}

/** Elementwise a == b (bool). */
export function eq(a: Tensor, b: Tensor | number): Tensor {
  return compare("eq", a, b);
}

/** Elementwise a != b (bool). */
export function ne(a: Tensor, b: Tensor | number): Tensor {
  return compare("ne", a, b);
}

/** Elementwise a > b (bool). */
export function gt(a: Tensor, b: Tensor | number): Tensor {
  return compare("gt", a, b);
}

/** Elementwise a >= b (bool). */
export function ge(a: Tensor, b: Tensor | number): Tensor {
  return compare("ge", a, b);
}

/** Elementwise a < b (bool). */
export function lt(a: Tensor, b: Tensor | number): Tensor {
  return compare("lt", a, b);
}

/** Elementwise a <= b (bool). */
export function le(a: Tensor, b: Tensor | number): Tensor {
  return compare("le", a, b);
}

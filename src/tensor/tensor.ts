// The Tensor class: storage, shape and autograd fields; its methods forward to the op files.
import { runBackward, type GradHook, type Node } from "./autograd.js";
import { allocStorage, dtypeOfStorage, isFloatingDType, TORCH_NAMES, type DType, type Storage } from "./dtype.js";
import { abs, cos, exp, log, neg, relu, sigmoid, sin, sqrt, tanh } from "./unary.js";
import { add, div, eq, ge, gt, le, lt, maximum, minimum, mul, ne, pow, sub } from "./elementwise.js";
import { ArgumentError, AutogradError, DTypeError, ShapeError } from "./errors.js";
import { isGradEnabled } from "./grad-mode.js";
import { formatShape, normalizeDim, shapeNumel, shapesEqual, type Shape } from "./shape.js";
import { argmax, max, mean, min, sum, type ValuesIndices } from "./reduce.js";
import { matmul } from "./matmul.js";
import { expand, flatten, permute, reshape, squeeze, transpose, unsqueeze } from "./views.js";
import { gather, index, indexSelect, slice } from "./indexing.js";
import { clone } from "./clone.js";
import { formatTensor } from "./format.js";
import { std, variance, type VarianceOptions } from "./variance.js";
import { checkDevice, Device } from "./device.js";
import { to, type ToTarget } from "./to.js";
import { clamp } from "./clamp.js";
import { copyInPlace, fillInPlace, inPlace, randomFillInPlace } from "./in-place.js";
import { generatorOf, type RandomGenerator } from "./generator.js";
import { versionOf } from "./version.js";
import { checkOptions } from "./options.js";
import { multinomial, type MultinomialOptions } from "./sampling.js";
import { getSubscript, maskedSelect, putSubscript, type Subscript } from "./subscript.js";
import { maskedFill, where } from "./where.js";
import { tril, triu } from "./triangle.js";
import { topk } from "./topk.js";
import { chunk, split } from "./split.js";
import { norm, type NormOrder } from "./norm.js";
import { logSoftmax, logsumexp, softmax } from "./softmax.js";
import { allclose, type AllcloseOptions } from "./allclose.js";
import { all, any, logicalAnd, logicalNot, logicalOr, logicalXor } from "./logical.js";
import { nonzero } from "./nonzero.js";

/** alpha·v for add_/sub_'s `alpha` (v itself when alpha is 1). */
function scaled(v: Tensor | number, alpha: number): Tensor | number {
  if (typeof alpha !== "number") throw new ArgumentError(`alpha must be a number, got ${typeof alpha}`);
  if (alpha === 1) return v;
  return typeof v === "number" ? v * alpha : mul(v, alpha);
}

export type NestedArray = number | NestedArray[];

/** Options of `tensor.backward()` (PyTorch's `retain_graph`, `create_graph`). */
export interface BackwardOptions {
  /** Keep the graph's saved tensors for another backward (default: `createGraph`). */
  retainGraph?: boolean;
  /** Record the backward pass so the gradients can be differentiated again. */
  createGraph?: boolean;
}

/** A hook handle: `remove()` unregisters the hook. */
export interface RemovableHandle {
  remove(): void;
}

/** An n-dimensional array of numbers (float32/float64, int32/int64 or bool) that can record how it was computed. */
export class Tensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Number of elements (read through `numel()`, PyTorch's method). */
  private readonly count: number;
  readonly ndim: number;
  /** Contiguous row-major storage; shared with views made by reshape/view/detach. */
  data: Storage;
  /** Optional label used by displays. */
  name?: string;
  /** @internal The graph node that produced this tensor (`null` for leaves). */
  _node: Node | null = null;
  /** @internal Hooks of a leaf tensor, run before its gradient is accumulated. */
  _hooks: GradHook[] = [];
  private leafRequiresGrad = false;
  private gradValue: Tensor | null = null;

  /** Wraps existing storage (no copy). Users create tensors with `tensor()`, `zeros()`, ... */
  constructor(data: Storage, shape: Shape) {
    const n = shapeNumel(shape);
    if (data.length !== n) {
      throw new ShapeError(`Tensor: storage of ${data.length} elements does not match shape ${formatShape(shape)}`);
    }
    this.data = data;
    // Another tensor's (frozen) shape can be shared as it is.
    this.shape = Object.isFrozen(shape) ? shape : Object.freeze([...shape]);
    this.dtype = dtypeOfStorage(data);
    this.count = n;
    this.ndim = shape.length;
  }

  // ---- sizes (PyTorch's methods beside the `shape`/`ndim` properties) ----

  /** Number of elements: the product of the shape. */
  numel(): number {
    return this.count;
  }

  /** The shape (`size()`), or the size of one dim (`size(-1)`), as PyTorch's `x.size()`. */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): readonly number[] | number {
    if (dim === undefined) return this.shape;
    if (this.ndim === 0) throw new ArgumentError(`size: dim ${dim} is out of range: a 0-d tensor has no dims (its size() is [])`);
    return this.shape[normalizeDim(dim, this.ndim, "size")]!;
  }

  /** Number of dims (the same as `ndim`). */
  dim(): number {
    return this.ndim;
  }

  /** This tensor: its storage is always contiguous and row-major. */
  contiguous(): Tensor {
    return this;
  }

  /** Always true (see `contiguous()`). */
  isContiguous(): boolean {
    return true;
  }

  // ---- autograd fields ----

  get requiresGrad(): boolean {
    return this._node !== null || this.leafRequiresGrad;
  }

  set requiresGrad(flag: boolean) {
    if (flag && !isFloatingDType(this.dtype)) {
      throw new DTypeError(`requiresGrad: only Tensors of floating point dtype can require gradients (this one is ${this.dtype}; convert it with .float() first)`);
    }
    if (this._node !== null) {
      throw new AutogradError(
        `requiresGrad: you can only change requiresGrad flags of leaf tensors (this one comes from ${this._node.name}); ` +
          "use detach() to get a tensor that does not require grad",
      );
    }
    this.leafRequiresGrad = Boolean(flag);
  }

  /** Sets `requiresGrad` in place and returns this tensor. */
  requiresGrad_(flag = true): this {
    // As PyTorch: a non-leaf already requires grad, so asking for it again is allowed.
    if (this._node !== null && flag) return this;
    this.requiresGrad = flag;
    return this;
  }

  get grad(): Tensor | null {
    return this.gradValue;
  }

  set grad(g: Tensor | null) {
    if (g !== null) {
      if (!(g instanceof Tensor)) throw new ArgumentError(`grad: expected a Tensor or null, got ${typeof g}`);
      if (!shapesEqual(g.shape, this.shape)) {
        throw new ShapeError(`grad: assigned grad has shape ${formatShape(g.shape)} but the tensor has shape ${formatShape(this.shape)}`);
      }
      if (g.dtype !== this.dtype) {
        throw new DTypeError(`grad: assigned grad has dtype ${g.dtype} but the tensor has dtype ${this.dtype}`);
      }
      if (g.requiresGrad) g = g.detach();
    }
    this.gradValue = g;
  }

  /** PyTorch-style name of the op that made this tensor (`"AddBackward0"`), `null` for leaves. */
  get gradFn(): string | null {
    return this._node === null ? null : this._node.name;
  }

  get isLeaf(): boolean {
    return this._node === null;
  }

  /**
   * Computes gradients of this tensor w.r.t. the graph's leaves, adding them into their `.grad`.
   * `createGraph` records the backward pass too (`.grad` then has a gradFn: second-order
   * gradients); `retainGraph` defaults to `createGraph`, as in PyTorch.
   */
  backward(opts?: BackwardOptions): void;
  backward(gradient: Tensor | null | undefined, opts?: BackwardOptions): void;
  backward(first?: Tensor | null | BackwardOptions, second?: BackwardOptions): void {
    // `loss.backward({ createGraph: true })` is PyTorch's `loss.backward(create_graph=True)`.
    const optsFirst = first !== undefined && first !== null && !(first instanceof Tensor);
    if (optsFirst && second !== undefined) {
      throw new ArgumentError("backward: pass (gradient, options) or (options), not two option objects");
    }
    const gradient = optsFirst ? undefined : (first as Tensor | null | undefined) ?? undefined;
    const opts = optsFirst ? first : second ?? {};
    checkOptions(opts, ["retainGraph", "createGraph"], "backward");
    const createGraph = opts.createGraph === true;
    runBackward(this, gradient, { createGraph, retainGraph: opts.retainGraph ?? createGraph });
  }

  /** @internal Sets `.grad` to a tensor that stays in its graph (backward with createGraph). */
  _setGradInGraph(g: Tensor): void {
    this.gradValue = g;
  }

  /** A tensor sharing this storage that is cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /** Keeps `.grad` on this non-leaf tensor after backward (no-op on leaves). */
  retainGrad(): void {
    if (!this.requiresGrad) {
      throw new AutogradError("retainGrad: can't retain the gradient of a tensor that does not require grad");
    }
    if (this._node !== null) this._node.retained = new WeakRef(this);
  }

  /** Registers `fn(grad)` to run when this tensor's gradient is computed; it may return a replacement. */
  registerHook(fn: (grad: Tensor) => Tensor | void): RemovableHandle {
    if (!this.requiresGrad) {
      throw new AutogradError("registerHook: cannot register a hook on a tensor that doesn't require gradient");
    }
    if (typeof fn !== "function") throw new ArgumentError(`registerHook: expected a function, got ${typeof fn}`);
    const list = this._node !== null ? this._node.hooks : this._hooks;
    list.push(fn);
    return {
      remove(): void {
        const i = list.indexOf(fn);
        if (i >= 0) list.splice(i, 1);
      },
    };
  }

  /** @internal A detached tensor of ones like this one (the seed of backward). */
  onesLikeDetached(): Tensor {
    const d = allocStorage(this.dtype, this.count);
    d.fill(1);
    return new Tensor(d, this.shape);
  }

  /** How many in-place writes this tensor's storage has seen (PyTorch's `_version`). */
  get _version(): number {
    return versionOf(this.data);
  }

  // ---- in-place (PyTorch's trailing underscore; see in-place.ts for the rules) ----
  /** this += alpha·other. */
  add_(other: Tensor | number, { alpha = 1 }: { alpha?: number } = {}): this {
    return inPlace(this, "add_", [other], (s) => add(s, scaled(other, alpha))) as this;
  }
  /** this −= alpha·other. */
  sub_(other: Tensor | number, { alpha = 1 }: { alpha?: number } = {}): this {
    return inPlace(this, "sub_", [other], (s) => sub(s, scaled(other, alpha))) as this;
  }
  mul_(other: Tensor | number): this { return inPlace(this, "mul_", [other], (s) => mul(s, other)) as this; }
  div_(other: Tensor | number): this { return inPlace(this, "div_", [other], (s) => div(s, other)) as this; }
  pow_(exponent: Tensor | number): this { return inPlace(this, "pow_", [exponent], (s) => pow(s, exponent)) as this; }
  neg_(): this { return inPlace(this, "neg_", [], neg) as this; }
  exp_(): this { return inPlace(this, "exp_", [], exp) as this; }
  log_(): this { return inPlace(this, "log_", [], log) as this; }
  sqrt_(): this { return inPlace(this, "sqrt_", [], sqrt) as this; }
  abs_(): this { return inPlace(this, "abs_", [], abs) as this; }
  relu_(): this { return inPlace(this, "relu_", [], relu) as this; }
  sigmoid_(): this { return inPlace(this, "sigmoid_", [], sigmoid) as this; }
  tanh_(): this { return inPlace(this, "tanh_", [], tanh) as this; }
  sin_(): this { return inPlace(this, "sin_", [], sin) as this; }
  cos_(): this { return inPlace(this, "cos_", [], cos) as this; }
  /** `value` written where `mask` is set, in place (see `maskedFill`). */
  maskedFill_(mask: Tensor, value: number | Tensor): this {
    return inPlace(this, "maskedFill_", value instanceof Tensor ? [value] : [], (s) => maskedFill(s, mask, value)) as this;
  }
  /** Each element limited to [min, max] in place (either bound may be null). */
  clamp_(min?: number | null, max?: number | null): this { return inPlace(this, "clamp_", [], (s) => clamp(s, min, max)) as this; }
  /** Copies `src` (broadcast to this shape) into this tensor. */
  copy_(src: Tensor): this {
    if (!(src instanceof Tensor)) throw new ArgumentError(`copy_: src must be a Tensor, got ${typeof src}`);
    return copyInPlace(this, src) as this;
  }
  /** Sets every element to 0 in place. */
  zero_(): this { return fillInPlace(this, 0, "zero_") as this; }
  /** Sets every element to `value` in place. */
  /** Fills from U(from, to) in place (PyTorch's `x.uniform_(a, b)`, e.g. under noGrad on a weight); `{ generator }` as rand's. */
  uniform_(from = 0, to = 1, options?: { generator?: RandomGenerator }): this {
    checkOptions(options, ["generator"], "uniform_");
    if (typeof from !== "number" || typeof to !== "number" || !(from <= to)) {
      throw new ArgumentError(`uniform_: expects to return a [from, to) range, but found from=${String(from)} > to=${String(to)} (both must be numbers)`);
    }
    const g = generatorOf(options?.generator, "uniform_");
    return randomFillInPlace(this, "uniform_", "UniformBackward0", () => from + (to - from) * g.uniform()) as this;
  }

  /** Fills from N(mean, std²) in place (PyTorch's `x.normal_(mean, std)`); `{ generator }` as randn's. */
  normal_(mean = 0, std = 1, options?: { generator?: RandomGenerator }): this {
    checkOptions(options, ["generator"], "normal_");
    if (typeof mean !== "number" || typeof std !== "number" || !(std >= 0)) {
      throw new ArgumentError(`normal_: expects std >= 0.0 and numbers for mean and std, but found mean=${String(mean)}, std=${String(std)}`);
    }
    const g = generatorOf(options?.generator, "normal_");
    return randomFillInPlace(this, "normal_", "NormalBackward0", () => mean + std * g.normal()) as this;
  }

  fill_(value: number): this {
    if (typeof value !== "number") throw new ArgumentError(`fill_: value must be a number, got ${typeof value}`);
    return fillInPlace(this, value, "fill_") as this;
  }

  // ---- elementwise ----
  add(other: Tensor | number): Tensor { return add(this, other); }
  sub(other: Tensor | number): Tensor { return sub(this, other); }
  mul(other: Tensor | number): Tensor { return mul(this, other); }
  div(other: Tensor | number): Tensor { return div(this, other); }
  pow(exponent: Tensor | number): Tensor { return pow(this, exponent); }
  maximum(other: Tensor | number): Tensor { return maximum(this, other); }
  minimum(other: Tensor | number): Tensor { return minimum(this, other); }
  /** Bool tensor of `this == other` (no grad). */
  eq(other: Tensor | number): Tensor { return eq(this, other); }
  /** Bool tensor of `this != other`. */
  ne(other: Tensor | number): Tensor { return ne(this, other); }
  /** Bool tensor of `this > other`. */
  gt(other: Tensor | number): Tensor { return gt(this, other); }
  /** Bool tensor of `this >= other`. */
  ge(other: Tensor | number): Tensor { return ge(this, other); }
  /** Bool tensor of `this < other`. */
  lt(other: Tensor | number): Tensor { return lt(this, other); }
  /** Bool tensor of `this <= other`. */
  le(other: Tensor | number): Tensor { return le(this, other); }
  /** Bool ¬this (PyTorch's `~mask`, `logical_not`). */
  logicalNot(): Tensor { return logicalNot(this); }
  /** Bool this ∧ other (`mask1 & mask2`). */
  logicalAnd(other: Tensor): Tensor { return logicalAnd(this, other); }
  /** Bool this ∨ other (`mask1 | mask2`). */
  logicalOr(other: Tensor): Tensor { return logicalOr(this, other); }
  /** Bool this ⊕ other (`mask1 ^ mask2`). */
  logicalXor(other: Tensor): Tensor { return logicalXor(this, other); }
  /** Bool: any element nonzero (along `dim` when given). */
  any(dim?: number, keepdim = false): Tensor { return any(this, dim, keepdim); }
  /** Bool: every element nonzero (along `dim` when given). */
  all(dim?: number, keepdim = false): Tensor { return all(this, dim, keepdim); }
  neg(): Tensor { return neg(this); }
  exp(): Tensor { return exp(this); }
  log(): Tensor { return log(this); }
  sqrt(): Tensor { return sqrt(this); }
  abs(): Tensor { return abs(this); }
  relu(): Tensor { return relu(this); }
  sigmoid(): Tensor { return sigmoid(this); }
  tanh(): Tensor { return tanh(this); }
  sin(): Tensor { return sin(this); }
  cos(): Tensor { return cos(this); }
  /** Each element limited to [min, max] (either bound may be null). */
  clamp(min?: number | null, max?: number | null): Tensor { return clamp(this, min, max); }
  /** `value` where `mask` (broadcast to this shape) is set, this tensor elsewhere: `x.maskedFill(mask, -Infinity)`. */
  maskedFill(mask: Tensor, value: number | Tensor): Tensor { return maskedFill(this, mask, value); }
  /** This tensor where `condition` is set, `other` elsewhere (`where(condition, this, other)`). */
  where(condition: Tensor, other: Tensor | number): Tensor { return where(condition, this, other); }
  /** True when |this − other| ≤ atol + rtol·|other| everywhere. */
  allclose(other: Tensor, opts: AllcloseOptions = {}): boolean { return allclose(this, other, opts); }

  // ---- linear algebra and reductions ----
  matmul(other: Tensor): Tensor { return matmul(this, other); }
  sum(dim?: number | readonly number[], keepdim = false): Tensor { return sum(this, dim, keepdim); }
  mean(dim?: number | readonly number[], keepdim = false): Tensor { return mean(this, dim, keepdim); }
  /** Variance (unbiased by default, like PyTorch). */
  var(dim?: number | readonly number[], opts: VarianceOptions = {}): Tensor {
    return variance(this, dim, opts);
  }
  std(dim?: number | readonly number[], opts: VarianceOptions = {}): Tensor {
    return std(this, dim, opts);
  }
  max(): Tensor;
  max(dim: number, keepdim?: boolean): ValuesIndices;
  max(dim?: number, keepdim = false): Tensor | ValuesIndices { return max(this, dim, keepdim); }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): ValuesIndices;
  min(dim?: number, keepdim = false): Tensor | ValuesIndices { return min(this, dim, keepdim); }
  argmax(dim?: number, keepdim = false): Tensor { return argmax(this, dim, keepdim); }
  softmax(dim: number): Tensor { return softmax(this, dim); }
  /** log Σ exp over `dim`, computed stably. */
  logsumexp(dim: number | readonly number[], keepdim = false): Tensor { return logsumexp(this, dim, keepdim); }
  /** ‖x‖_p over `dim` (all elements when omitted); p = 2 ("fro") by default, Infinity for max |x|. */
  norm(p: NormOrder = "fro", dim?: number | readonly number[], keepdim = false): Tensor { return norm(this, p, dim, keepdim); }
  /** The `k` largest (or smallest) elements along `dim` and their indices, best first. */
  topk(k: number, dim = -1, largest = true, sorted = true): ValuesIndices { return topk(this, k, dim, largest, sorted); }
  logSoftmax(dim: number): Tensor { return logSoftmax(this, dim); }

  // ---- shape ----
  reshape(...shape: (number | readonly number[])[]): Tensor { return reshape(this, shape, "reshape"); }
  view(...shape: (number | readonly number[])[]): Tensor { return reshape(this, shape, "view"); }
  transpose(dim0: number, dim1: number): Tensor { return transpose(this, dim0, dim1); }
  permute(...dims: (number | readonly number[])[]): Tensor { return permute(this, dims); }
  /** Transpose of a 2-D tensor (reversed dims for other ranks, as PyTorch's `.T`). */
  get T(): Tensor {
    const dims: number[] = [];
    for (let i = this.ndim - 1; i >= 0; i--) dims.push(i);
    return this.ndim < 2 ? this : permute(this, dims);
  }
  flatten(startDim = 0, endDim = -1): Tensor { return flatten(this, startDim, endDim); }
  unsqueeze(dim: number): Tensor { return unsqueeze(this, dim); }
  squeeze(dim?: number): Tensor { return squeeze(this, dim); }
  expand(...shape: (number | readonly number[])[]): Tensor { return expand(this, shape); }
  /** Lower triangle of the last two dims (column − row ≤ diagonal), zeros above. */
  tril(diagonal = 0): Tensor { return tril(this, diagonal); }
  /** Upper triangle of the last two dims (column − row ≥ diagonal), zeros below. */
  triu(diagonal = 0): Tensor { return triu(this, diagonal); }
  /** Pieces of `n` along `dim` (or of the listed sizes). */
  split(splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] { return split(this, splitSizeOrSections, dim); }
  /** `chunks` pieces (or fewer) of equal size along `dim`, the last possibly shorter. */
  chunk(chunks: number, dim = 0): Tensor[] { return chunk(this, chunks, dim); }

  // ---- indexing ----
  /** Row `i` along the first dim (negative counts from the end). */
  index(i: number): Tensor { return index(this, i); }
  /** Rows `start..end-1` along the first dim (Python slice rules). */
  slice(start: number, end?: number): Tensor { return slice(this, start, end); }
  /** Rows picked by `indices` along `dim`. */
  indexSelect(dim: number, indices: Tensor | readonly number[]): Tensor { return indexSelect(this, dim, indices); }
  /** out[i][j] = this[i][index[i][j]] for dim 1 (and likewise for other dims). */
  gather(dim: number, index: Tensor): Tensor { return gather(this, dim, index); }
  clone(): Tensor { return clone(this); }
  /**
   * PyTorch's `x[...]`: `x.get(":", j)` is `x[:, j]`, `x.get("1:3", "...")` is `x[1:3, ...]`,
   * `x.get(null)` is `x[None]`, `C.get(X)` is `C[X]`, `probs.get(arange(n), y)` is `probs[arange(n), y]`.
   */
  get(...subscripts: Subscript[]): Tensor { return getSubscript(this, subscripts); }
  /** PyTorch's `x[...] = value`, in place: `x.set(":", j, 0)` is `x[:, j] = 0`; returns `x`. */
  set(...args: [...subscripts: Subscript[], value: Tensor | number]): this {
    if (args.length < 2) throw new ArgumentError("set: expected one or more subscripts followed by the value, e.g. x.set(\":\", 0, 1)");
    const value = args[args.length - 1] as Tensor | number;
    const subs = args.slice(0, -1) as Subscript[];
    return inPlace(this, "set", [value], (s) => putSubscript(s, subs, value, "set")) as this;
  }
  /** Category indices drawn from this tensor's rows of weights (see `multinomial`). */
  multinomial(numSamples: number, opts: MultinomialOptions = {}): Tensor { return multinomial(this, numSamples, opts); }
  /** int64 (count, ndim): the position of each nonzero element, in order. */
  nonzero(): Tensor { return nonzero(this); }
  /** The elements where `mask` (same shape, nonzero = keep) is set, as a 1-D tensor (`x[mask]`). */
  maskedSelect(mask: Tensor): Tensor { return maskedSelect(this, mask); }

  // ---- devices and conversion ----
  /** Always the CPU: `device(type='cpu')`. */
  get device(): Device {
    return checkDevice("cpu", "device");
  }
  /** `to(device)` (a no-op for "cpu"), `to(dtype)` (a differentiable copy), `to(device, dtype)`, `to(other)`. */
  to(target: ToTarget, dtype?: DType): Tensor { return to(this, target, dtype); }
  /** `to("float32")`: this tensor when it already is float32. */
  float(): Tensor { return to(this, "float32"); }
  /** `to("float64")`. */
  double(): Tensor { return to(this, "float64"); }
  /** `to("int64")`: floats truncated toward zero (not differentiable). */
  long(): Tensor { return to(this, "int64"); }
  /** `to("int32")`. */
  int(): Tensor { return to(this, "int32"); }
  /** `to("bool")`: nonzero (and NaN) is true. */
  bool(): Tensor { return to(this, "bool"); }
  /** `x.type(dtype)` is `x.to(dtype)`; `x.type()` names the type as PyTorch does (`"torch.FloatTensor"`). */
  type(): string;
  type(dtype: DType): Tensor;
  type(dtype?: DType): Tensor | string {
    return dtype === undefined ? `torch.${TORCH_NAMES[this.dtype]}Tensor` : to(this, dtype);
  }
  /** True for float32 and float64 (PyTorch's `x.is_floating_point()`). */
  isFloatingPoint(): boolean { return isFloatingDType(this.dtype); }
  /** This tensor (it already lives on the CPU). */
  cpu(): Tensor { return this; }
  /** Throws: there is no GPU (see `cuda.isAvailable()`). */
  cuda(): Tensor {
    checkDevice("cuda", "cuda");
    return this;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.count !== 1) {
      throw new ArgumentError(`item: a Tensor with ${this.count} elements cannot be converted to a number (shape ${formatShape(this.shape)})`);
    }
    return this.data[0]!;
  }

  /** Nested JS arrays (a number for a 0-d tensor). */
  tolist(): NestedArray {
    if (this.ndim === 0) return this.data[0]!;
    const build = (dim: number, offset: number, stride: number): NestedArray[] => {
      const n = this.shape[dim]!;
      const inner = stride / n;
      const out: NestedArray[] = new Array(n);
      if (dim === this.ndim - 1) for (let i = 0; i < n; i++) out[i] = this.data[offset + i]!;
      else for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * inner, inner);
      return out;
    };
    return build(0, 0, this.count === 0 ? 0 : this.count);
  }

  /** PyTorch-like printout, e.g. `tensor([[0.1000, 0.2000]], requiresGrad=true)`. */
  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

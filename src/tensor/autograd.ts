// The autograd engine: graph nodes that remember how to push a gradient to their inputs, and the
// topological backward pass that runs them once, sums broadcast gradients back to input shapes and
// frees what the nodes saved.
import { AutogradError, ShapeError } from "./errors.js";
import { enableGrad, isGradEnabled, noGrad } from "./grad-mode.js";
import { markParameterStorage, recordSaved, releaseSaved, type SavedToken } from "./memory.js";
import { broadcastsTo, formatShape, shapesEqual, type Shape } from "./shape.js";
import { dtypeOfStorage, isFloatingDType, isTracked, TORCH_NAMES, recycleStorage, trackAllocations, type DType } from "./dtype.js";
import { castTo, sumToShape } from "./sum-to-shape.js";
import type { Tensor } from "./tensor.js";
import { versionOf, versionsInUse } from "./version.js";

/** Pushes the output's gradient to each input (in the output's shape; broadcasting is undone by the engine). */
export type BackwardFn = (grad: Tensor, needs: readonly boolean[]) => readonly (Tensor | null | undefined)[];

/** A tensor hook: sees the gradient, may return a replacement. */
export type GradHook = (grad: Tensor) => Tensor | void;

/** Where a node sends an input's gradient: another node, a leaf to accumulate into, or nowhere. */
type Edge = Node | Tensor | null;

const FREED_MESSAGE =
  "trying to backward through the graph a second time (or directly access saved tensors after they " +
  "have already been freed). Saved intermediate values of the graph are freed when you call .backward(). " +
  "Pass { retainGraph: true } to backward() if you need to backward through the graph a second time.";

/** One recorded op: the `gradFn` of a non-leaf tensor. */
export class Node {
  readonly name: string;
  readonly edges: Edge[];
  readonly inputShapes: Shape[];
  readonly inputDTypes: DType[];
  /** Hooks registered on the output tensor (run before the gradient flows on). */
  readonly hooks: GradHook[] = [];
  /** The output tensor when it called `retainGrad()`. */
  retained: WeakRef<Tensor> | null = null;
  private fn: BackwardFn | null;
  private readonly token: SavedToken;
  private readonly savesTensors: boolean;
  private freed = false;
  /** What backward reads, to check that no in-place op changed it since (see version.ts). */
  private saved: readonly SavedValue[] | null;
  /** Their versions when saved; null when no in-place op had run yet (all 0). */
  private readonly savedVersions: number[] | null;
  /** The storage a view node's output shares with its input, and its version then (see `watchView`). */
  private view: { data: object; version: number } | null = null;
  /** True when the backward closure is made of recorded ops on graph tensors, so createGraph can differentiate it. */
  readonly differentiable: boolean;

  constructor(name: string, inputs: readonly Tensor[], saved: readonly SavedValue[], fn: BackwardFn, differentiable = false) {
    this.name = name;
    this.differentiable = differentiable;
    this.edges = [];
    this.inputShapes = [];
    this.inputDTypes = [];
    for (const t of inputs) {
      const isParameter = t._node === null && t.requiresGrad;
      if (isParameter) markParameterStorage(t.data);
      this.edges.push(t._node !== null ? t._node : isParameter ? t : null);
      this.inputShapes.push(t.shape);
      this.inputDTypes.push(t.dtype);
    }
    this.fn = fn;
    this.savesTensors = saved.length > 0;
    this.saved = saved.length > 0 ? saved : null;
    this.savedVersions = saved.length > 0 && versionsInUse() ? saved.map((v) => (typeof v === "number" ? 0 : versionOf(storageOf(v)))) : null;
    this.token = recordSaved(this, savedStorages(saved));
  }

  /**
   * Runs this node's backward for the gradient of its output; `wanted` (default: every input that
   * requires grad) says which inputs' gradients to compute. In grad mode (createGraph) the result
   * is recorded as a graph of its own.
   */
  apply(grad: Tensor, wanted?: (edge: Edge) => boolean): (Tensor | null)[] {
    if (this.fn === null) throw new AutogradError(`${this.name}: ${FREED_MESSAGE}`);
    const createGraph = isGradEnabled();
    if (createGraph && !this.differentiable) {
      throw new AutogradError(
        `${this.name}: the backward of this op is not differentiable in tsgrad yet, so createGraph cannot give ` +
          "second-order gradients through it (compute them without this op, or use finite differences)",
      );
    }
    if (versionsInUse()) {
      if (this.saved !== null) this.checkVersions(this.saved);
      if (this.view !== null && versionOf(this.view.data) !== this.view.version) {
        throw new AutogradError(
          `${this.name}: a view (from view/reshape) or its base was modified by an inplace operation after the view was made, ` +
            `and tsgrad does not rewrite the view's history as PyTorch does; clone() the tensor before changing it in place`,
        );
      }
    }
    const needs = this.edges.map((e) => e !== null && (wanted === undefined || wanted(e)));
    const raw = this.fn(grad, needs);
    const out: (Tensor | null)[] = [];
    for (let i = 0; i < this.edges.length; i++) {
      const g = raw[i];
      if (!needs[i] || g === null || g === undefined) {
        out.push(null);
        continue;
      }
      const shape = this.inputShapes[i]!;
      const dtype = this.inputDTypes[i]!;
      out.push(createGraph ? sumToShapeInGraph(g, shape, this.name).to(dtype) : castTo(sumToShape(g, shape, this.name), dtype));
    }
    return out;
  }

  /** Marks this node as a view sharing `data` with its input: an in-place write to either makes backward refuse. */
  watchView(data: object): void {
    this.view = { data, version: versionOf(data) };
  }

  /** Throws PyTorch's error when a saved value was modified in place after this node saved it. */
  private checkVersions(saved: readonly SavedValue[]): void {
    for (let i = 0; i < saved.length; i++) {
      const v = saved[i]!;
      if (typeof v === "number") continue;
      const now = versionOf(storageOf(v));
      const then = this.savedVersions?.[i] ?? 0;
      if (now === then) continue;
      const what = ArrayBuffer.isView(v)
        ? `[torch.${TORCH_NAMES[dtypeOfStorage(v)]}Tensor of ${v.length} elements]`
        : `[torch.${TORCH_NAMES[v.dtype]}Tensor [${v.shape.join(", ")}]]`;
      throw new AutogradError(
        `one of the variables needed for gradient computation has been modified by an inplace operation: ${what}, ` +
          `saved by ${this.name}, is at version ${now}; expected version ${then} instead. ` +
          "Hint: clone() the tensor before changing it in place, or change it before the operation that uses it.",
      );
    }
  }

  /** Drops the saved tensors (only nodes that saved some become unusable, as in PyTorch). */
  release(): void {
    if (this.freed) return;
    this.freed = true;
    this.saved = null;
    releaseSaved(this.token);
    if (this.savesTensors) this.fn = null;
  }
}

/**
 * Anything an op keeps for backward; arrays and tensors are counted by the memory meter, a number
 * (a scalar operand PyTorch would save as a 0-d tensor) only makes the node single-use.
 */
export type SavedValue = Tensor | Float32Array | Float64Array | Int32Array | Uint8Array | number;

/** The array behind a saved tensor or array. */
function storageOf(s: Exclude<SavedValue, number>): ArrayBufferView {
  return ArrayBuffer.isView(s) ? s : s.data;
}

/** The arrays behind what a node saves (numbers hold no storage); the meter counts each distinct one once. */
function savedStorages(saved: readonly SavedValue[]): ArrayBufferView[] {
  const arrays: ArrayBufferView[] = [];
  for (const s of saved) if (typeof s !== "number") arrays.push(storageOf(s));
  return arrays;
}

/** `sumToShape` as recorded ops (a sum over the broadcast dims, then a reshape), for createGraph. */
function sumToShapeInGraph(g: Tensor, shape: Shape, op: string): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  if (!broadcastsTo(shape, g.shape)) {
    throw new ShapeError(`${op}: gradient of shape ${formatShape(g.shape)} cannot be summed to input shape ${formatShape(shape)}`);
  }
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let d = 0; d < g.ndim; d++) if (d < lead || (shape[d - lead] === 1 && g.shape[d] !== 1)) dims.push(d);
  return g.sum(dims, true).reshape([...shape]);
}

/** What an op tells `recordOp` about its backward. */
export interface RecordOptions {
  /**
   * The backward closure uses only recorded ops on graph tensors (the saved inputs and outputs
   * themselves, not detached copies), so under createGraph its result can be differentiated again.
   * Nodes without it refuse createGraph instead of giving a gradient that silently misses terms.
   */
  differentiable?: boolean;
}

/** For ops whose backward closure is recorded ops on the saved operands (see `RecordOptions`). */
export const DIFFERENTIABLE: RecordOptions = Object.freeze({ differentiable: true });

/**
 * The gradient of an op that picks elements of its input (indexing, slicing, joins): `raw` is `g`
 * scattered back into the input's shape. Under createGraph it becomes a node of `g` whose own
 * backward is the pick again (a scatter's adjoint is the pick), so it can be differentiated further.
 */
export function scatteredGrad(raw: Tensor, g: Tensor, name: string, pick: (grad: Tensor) => Tensor): Tensor {
  return recordOp(raw, name, [g], [], (gg) => [pick(gg)], DIFFERENTIABLE);
}

/**
 * Attaches a graph node to `out` when grad mode is on and some input requires grad; returns `out`.
 * `saved` lists exactly what `backward` keeps alive, for the memory meter.
 */
export function recordOp(
  out: Tensor,
  name: string,
  inputs: readonly Tensor[],
  saved: readonly SavedValue[],
  backward: BackwardFn,
  opts: RecordOptions = {},
): Tensor {
  // An integer or bool result (an index, a comparison) is never differentiable, as in PyTorch.
  if (!isGradEnabled() || !isFloatingDType(out.dtype)) return out;
  let any = false;
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i]!.requiresGrad) {
      any = true;
      break;
    }
  }
  if (!any) return out;
  out._node = new Node(name, inputs, saved, backward, opts.differentiable === true);
  return out;
}

/** True when an op on these inputs will record a node (lets ops skip preparing saved values). */
export function needsGraph(...inputs: readonly (Tensor | number)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (typeof t !== "number" && t.requiresGrad) return true;
  return false;
}

/** Runs hooks in order; a hook's return value replaces the gradient. */
function runHooks(hooks: readonly GradHook[], grad: Tensor): Tensor {
  for (const h of [...hooks]) {
    const r = h(grad);
    if (r !== undefined) grad = r;
  }
  return grad;
}

/**
 * Adds `grad` into `t.grad` (a fresh detached copy the first time), like PyTorch's AccumulateGrad.
 * Under `createGraph` (grad mode on) the sum stays in the graph, out of place, as PyTorch keeps it.
 */
function accumulateInto(t: Tensor, grad: Tensor): void {
  if (isGradEnabled()) {
    const g = grad.to(t.dtype);
    // A copy the first time (as PyTorch's clone): one gradient may flow to several leaves.
    t._setGradInGraph(t.grad === null ? (g === grad ? g.clone() : g) : t.grad.add(g));
    return;
  }
  const g = castTo(grad, t.dtype);
  if (t.grad === null) {
    t.grad = g === grad ? g.clone() : g;
    return;
  }
  if (t.grad.requiresGrad) {
    // A .grad left in a graph by an earlier createGraph pass is never written in place.
    t.grad = t.grad.add(g);
    return;
  }
  const dst = t.grad.data;
  const src = g.data;
  for (let i = 0; i < dst.length; i++) dst[i]! += src[i]!;
}

/** Nodes reachable from `roots`, each after every node that feeds it a gradient (roots first). */
function topologicalOrder(roots: readonly Node[]): Node[] {
  const post: Node[] = [];
  const visited = new Set<Node>();
  for (const root of roots) {
    if (visited.has(root)) continue;
    visited.add(root);
    const stack: [Node, number][] = [[root, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [node, i] = top;
      if (i < node.edges.length) {
        top[1] = i + 1;
        const e = node.edges[i];
        if (e instanceof Node && !visited.has(e)) {
          visited.add(e);
          stack.push([e, 0]);
        }
      } else {
        stack.pop();
        post.push(node);
      }
    }
  }
  return post.reverse();
}

/** How a backward pass runs (PyTorch's `retain_graph` and `create_graph`). */
export interface EngineOptions {
  retainGraph: boolean;
  createGraph: boolean;
}

/** The seed gradient of one output: ones for a scalar, else the caller's gradient (same shape). */
function seedOf(root: Tensor, gradient: Tensor | null | undefined, createGraph: boolean, what: string): Tensor {
  if (!root.requiresGrad) {
    throw new AutogradError(
      `${what}: element 0 of tensors does not require grad and does not have a gradFn ` +
        "(create the inputs with requiresGrad: true, and do not call backward on a result computed under noGrad)",
    );
  }
  if (gradient === undefined || gradient === null) {
    if (root.numel() !== 1) {
      throw new AutogradError(
        `${what}: grad can be implicitly created only for scalar outputs, but the tensor has shape ${formatShape(root.shape)}; ` +
          "pass a gradient of the same shape, or reduce it first (e.g. loss.sum() or loss.mean())",
      );
    }
    return root.onesLikeDetached();
  }
  if (!shapesEqual(gradient.shape, root.shape)) {
    throw new ShapeError(`${what}: gradient has shape ${formatShape(gradient.shape)} but the tensor has shape ${formatShape(root.shape)}`);
  }
  // Under createGraph a gradient that requires grad stays in the graph (a vector-Jacobian product can be differentiated again).
  return createGraph ? gradient.to(root.dtype) : castTo(gradient.detach(), root.dtype);
}

/** `tensor.backward(gradient?, { retainGraph?, createGraph? })`: accumulates d(root)/d(leaf) into every leaf's `.grad`. */
export function runBackward(root: Tensor, gradient: Tensor | undefined, opts: EngineOptions): void {
  const seed = seedOf(root, gradient, opts.createGraph, "backward");
  execute([root], [seed], opts, null);
}

/**
 * d(Σ outputs·gradOutputs)/d(input) for each input, without touching any `.grad` (PyTorch's
 * `torch.autograd.grad`); null for an input the outputs do not depend on.
 */
export function gradients(
  outputs: readonly Tensor[],
  gradOutputs: readonly (Tensor | null | undefined)[],
  inputs: readonly Tensor[],
  opts: EngineOptions,
): (Tensor | null)[] {
  const seeds = outputs.map((o, i) => seedOf(o, gradOutputs[i], opts.createGraph, `autograd.grad: outputs[${i}]`));
  const captured = execute(outputs, seeds, opts, inputs);
  return inputs.map((t) => captured.get(t) ?? null);
}

/**
 * Runs the graph behind `roots` backward from `seeds`. Without `targets`, gradients reaching leaves
 * go into their `.grad`; with `targets`, only the nodes leading to them run and their gradients are
 * returned instead. Under `createGraph` the closures run in grad mode, so the gradients are graph
 * tensors themselves (second-order gradients); a node whose backward cannot be recorded throws.
 */
function execute(roots: readonly Tensor[], seeds: readonly Tensor[], opts: EngineOptions, targets: readonly Tensor[] | null): Map<Tensor, Tensor> {
  const captured = new Map<Tensor, Tensor>();
  const pass = (): void => {
    const rootNodes: Node[] = [];
    for (const r of roots) if (r._node !== null) rootNodes.push(r._node);
    const order = topologicalOrder(rootNodes);
    const grads = new Map<Node, Tensor>();
    const leafGrads = new Map<Tensor, Tensor>();
    // Under createGraph the gradients are saved by the new graph's nodes: none may be recycled.
    const refs = new GradientRefs(!opts.createGraph);
    const deposit = <K extends Node | Tensor>(target: Map<K, Tensor>, key: K, g: Tensor): void => {
      const prev = target.get(key);
      refs.hold(g);
      if (prev === undefined) {
        target.set(key, g);
        return;
      }
      const sum = prev.add(g);
      refs.hold(sum);
      refs.drop(prev);
      refs.drop(g);
      target.set(key, sum);
    };
    // (A gradient the caller passed in was allocated before this pass, so it is never recycled.)
    roots.forEach((r, i) => (r._node === null ? deposit(leafGrads, r, seeds[i]!) : deposit(grads, r._node, seeds[i]!)));
    const targetNodes = new Map<Node, Tensor[]>();
    const targetLeaves = new Set<Tensor>();
    for (const t of targets ?? []) {
      if (t._node === null) targetLeaves.add(t);
      else targetNodes.set(t._node, [...(targetNodes.get(t._node) ?? []), t]);
    }
    const leadsOn = targets === null ? null : nodesLeadingTo(order, targetNodes, targetLeaves);
    const wanted = leadsOn === null ? undefined : (e: Edge): boolean => (e instanceof Node ? leadsOn.has(e) || targetNodes.has(e) : e !== null && targetLeaves.has(e));
    const ran: Node[] = [];
    trackAllocations(refs.recycles);
    try {
      for (const node of order) {
        const g0 = grads.get(node);
        if (g0 === undefined) continue;
        grads.delete(node);
        let g = g0;
        if (node.hooks.length > 0) {
          // Hooks are user code: whatever they see or return may be kept.
          g = runHooks(node.hooks, g);
          refs.escape(g0);
          refs.escape(g);
        }
        const kept = node.retained?.deref();
        if (kept !== undefined) {
          refs.escape(g);
          accumulateInto(kept, g);
        }
        for (const t of targetNodes.get(node) ?? []) {
          refs.escape(g);
          captured.set(t, g);
        }
        if (leadsOn !== null && !leadsOn.has(node)) {
          refs.drop(g0);
          continue;
        }
        const inputGrads = node.apply(g, wanted);
        ran.push(node);
        for (let i = 0; i < node.edges.length; i++) {
          const e = node.edges[i];
          const ig = inputGrads[i];
          if (e === null || e === undefined || ig === null || ig === undefined) continue;
          if (e instanceof Node) deposit(grads, e, ig);
          else deposit(leafGrads, e, ig);
        }
        refs.drop(g0);
      }
      for (const [leaf, g] of leafGrads) {
        if (targets !== null) {
          if (!targetLeaves.has(leaf)) continue;
          refs.escape(g);
          captured.set(leaf, runHooks(leaf._hooks, g));
        } else if (leaf._hooks.length > 0) {
          refs.escape(g);
          const h = runHooks(leaf._hooks, g);
          refs.escape(h);
          accumulateInto(leaf, h);
        } else if (refs.recycles && leaf.grad === null && g.dtype === leaf.dtype && refs.isOnlyHolder(g)) {
          // Nothing else can reach g: the leaf takes it as its .grad instead of a copy.
          refs.escape(g);
          leaf.grad = g;
        } else {
          // accumulateInto copies or adds g unless a dtype cast made a new tensor, which it keeps.
          accumulateInto(leaf, g);
        }
        refs.drop(g);
      }
    } finally {
      trackAllocations(false);
    }
    if (!opts.retainGraph) for (const node of targets === null ? order : ran) node.release();
  };
  if (opts.createGraph) enableGrad(pass);
  else noGrad(pass);
  return captured;
}

/** The nodes of `order` from which some target (a node or a leaf) can be reached: the only ones worth running. */
function nodesLeadingTo(order: readonly Node[], targetNodes: ReadonlyMap<Node, unknown>, targetLeaves: ReadonlySet<Tensor>): Set<Node> {
  const leads = new Set<Node>();
  // Reverse topological order visits every node after the nodes it feeds gradients to.
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!;
    for (const e of node.edges) {
      if (e instanceof Node ? leads.has(e) || targetNodes.has(e) : e !== null && targetLeaves.has(e)) {
        leads.add(node);
        break;
      }
    }
  }
  return leads;
}

/**
 * Frees what the graph behind `root` saved, without a backward pass: for a loss that will never be
 * back-propagated (PyTorch frees it when the last reference goes; JavaScript has no such moment).
 */
export function releaseGraph(root: Tensor): void {
  if (root._node !== null) for (const node of topologicalOrder([root._node])) node.release();
}

/**
 * Reference counts of the gradient buffers in flight during one backward pass. A buffer allocated in
 * this pass whose last holder is done (and that no hook, retained tensor or caller may keep) is
 * recycled for later allocations of the same size.
 */
class GradientRefs {
  private readonly counts = new Map<ArrayBufferLike, number>();
  private readonly escaped = new Set<ArrayBufferLike>();

  /** `recycles`: false when gradients may be kept by a new graph (createGraph), so nothing is reused. */
  constructor(readonly recycles: boolean) {}

  hold(t: Tensor): void {
    const b = t.data.buffer;
    this.counts.set(b, (this.counts.get(b) ?? 0) + 1);
  }

  escape(t: Tensor): void {
    this.escaped.add(t.data.buffer);
  }

  /** True when `t`'s buffer was allocated in this pass, is held once (by the caller) and never escaped. */
  isOnlyHolder(t: Tensor): boolean {
    const b = t.data.buffer;
    return this.recycles && this.counts.get(b) === 1 && !this.escaped.has(b) && isTracked(t.data) && t.data.byteLength === b.byteLength;
  }

  drop(t: Tensor): void {
    const b = t.data.buffer;
    const n = (this.counts.get(b) ?? 0) - 1;
    if (n > 0) {
      this.counts.set(b, n);
      return;
    }
    this.counts.delete(b);
    if (this.recycles && !this.escaped.has(b) && isTracked(t.data) && t.data.byteLength === b.byteLength) recycleStorage(t.data);
  }
}

import { ArgumentError, Tensor, enableGrad } from "../tensor/index.js";
import { detachedCopy } from "../tensor/clone.js";
import { formatShape } from "../tensor/shape.js";
import { checkOptions } from "../tensor/options.js";

/** What every parameter group carries: its parameters and a learning rate (schedulers add `initialLr`). */
export interface ParamGroupBase {
  params: Tensor[];
  lr: number;
  initialLr?: number;
}

/** One parameter group: its parameters and its own copy of every hyper-parameter. */
export type ParamGroup<H> = ParamGroupBase & H;

/** A parameter group as given to a constructor: hyper-parameters left out take the defaults. */
export type ParamGroupInput<H> = { params: Iterable<Tensor> } & Partial<H> & { lr?: number };

/** Parameters as given to an optimizer: tensors, or groups of tensors with their own hyper-parameters. */
export type Params<H> = Iterable<Tensor> | Iterable<ParamGroupInput<H>>;

/** Per-parameter optimizer state: step counts and buffers (tensors shaped like the parameter). */
export type ParamState = Record<string, Tensor | number>;

/** A snapshot of an optimizer: state keyed by parameter position, groups with parameter positions. */
export interface OptimizerStateDict<H> {
  state: Record<number, ParamState>;
  paramGroups: Array<Omit<ParamGroup<H>, "params"> & { params: number[] }>;
}

function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/**
 * Base class of the optimizers, shaped like `torch.optim.Optimizer`: it owns `paramGroups` (each
 * with its own hyper-parameters, defaults filled in) and per-parameter `state`; a subclass validates
 * its hyper-parameters and implements `updateGroup` with its documented formula.
 */
export abstract class Optimizer<H extends object = object> {
  readonly defaults: H & { lr: number };
  readonly paramGroups: ParamGroup<H>[] = [];
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: Params<H>, defaults: H & { lr: number }) {
    this.defaults = defaults;
    if (isTensor(params) || typeof (params as Partial<Iterable<unknown>>)?.[Symbol.iterator] !== "function") {
      const got = isTensor(params) ? `a Tensor of shape ${formatShape(params.shape)}` : typeof params;
      throw new ArgumentError(`${new.target.name}: params should be an iterable of Tensors or parameter groups, but got ${got}`);
    }
    const items = [...(params as Iterable<Tensor | ParamGroupInput<H>>)];
    if (items.length === 0) throw new ArgumentError(`${new.target.name}: optimizer got an empty parameter list`);
    const tensors = items.filter(isTensor);
    const given = items.filter((x): x is ParamGroupInput<H> => !isTensor(x));
    if (tensors.length > 0 && given.length > 0) {
      throw new ArgumentError(`${new.target.name}: give either tensors or parameter groups, not both`);
    }
    const groups = tensors.length > 0 ? [{ params: tensors } as unknown as ParamGroupInput<H>] : given;
    for (const group of groups) this.addParamGroup(group);
  }

  /** Adds a group; its missing hyper-parameters take the optimizer's defaults. */
  addParamGroup(input: ParamGroupInput<H>): void {
    const params = [...input.params];
    const owner = this.constructor.name;
    if (params.length === 0) throw new ArgumentError(`${owner}: optimizer got an empty parameter list`);
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params) {
      if (!isTensor(p)) throw new ArgumentError(`${owner}: parameters must be tensors, got ${typeof p}`);
      if (!p.isLeaf) throw new ArgumentError(`${owner}: can't optimize a non-leaf tensor (gradFn ${p.gradFn})`);
      if (seen.has(p)) throw new ArgumentError(`${owner}: some parameters appear in more than one parameter group`);
      seen.add(p);
    }
    const group = { ...this.defaults, ...input, params } as ParamGroup<H>;
    this.validate(group);
    this.paramGroups.push(group);
  }

  /** Checks one group's hyper-parameters; throws an `ArgumentError` naming the bad value. */
  protected abstract validate(group: ParamGroup<H>): void;

  /** Applies one update to every parameter of `group` that has a gradient. */
  protected abstract updateGroup(group: ParamGroup<H>): void;

  /**
   * One optimisation step over every group. Parameters whose `grad` is `null` are skipped; a zero
   * gradient is a real step (momentum and Adam's moments still move). With `closure`, re-evaluates
   * the loss first (with gradients enabled) and returns it.
   */
  step<L>(closure?: () => L): L | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    for (const group of this.paramGroups) this.updateGroup(group);
    return loss;
  }

  /**
   * Clears the gradients of every parameter: `setToNone` (PyTorch 2's default) sets `grad` to `null`,
   * so the next `step()` skips parameters that get no new gradient; otherwise fills them with zeros.
   */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (setToNone) p.grad = null;
        else p.grad?.zero_();
      }
    }
  }

  /** Parameters in `paramGroups` order, the numbering used by `stateDict()`. */
  protected allParams(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** State of parameter `p`, created empty on first use. */
  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /** A copy of the state and hyper-parameters, parameters numbered by position (PyTorch's layout). */
  stateDict(): OptimizerStateDict<H> {
    const params = this.allParams();
    const state: Record<number, ParamState> = {};
    params.forEach((p, i) => {
      const s = this.state.get(p);
      if (s) state[i] = copyState(s);
    });
    let next = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const ids = g.params.map(() => next++);
      return { ...g, params: ids } as Omit<ParamGroup<H>, "params"> & { params: number[] };
    });
    return { state, paramGroups };
  }

  /** Restores a `stateDict()`: same number of groups and parameters per group, buffers shaped alike. */
  loadStateDict(dict: OptimizerStateDict<H>): void {
    const owner = this.constructor.name;
    const given = dict as unknown as Record<string, unknown> | null;
    if (typeof given !== "object" || given === null || !Array.isArray(given["paramGroups"]) || typeof given["state"] !== "object" || given["state"] === null) {
      const keys = typeof given === "object" && given !== null ? `an object with keys [${Object.keys(given).join(", ")}]` : String(given);
      throw new ArgumentError(`${owner}.loadStateDict: dict should be a stateDict() result with 'state' and 'paramGroups', got ${keys}`);
    }
    if (dict.paramGroups.length !== this.paramGroups.length) {
      throw new ArgumentError(
        `${owner}.loadStateDict: state dict has ${dict.paramGroups.length} parameter groups, optimizer has ${this.paramGroups.length}`,
      );
    }
    dict.paramGroups.forEach((g, i) => {
      const mine = this.paramGroups[i]!;
      if (g.params.length !== mine.params.length) {
        throw new ArgumentError(
          `${owner}.loadStateDict: group ${i} has ${g.params.length} parameters in the state dict, ${mine.params.length} in the optimizer`,
        );
      }
    });
    const params = this.allParams();
    const byId = new Map<number, Tensor>();
    dict.paramGroups.forEach((g, i) => g.params.forEach((id, k) => byId.set(id, this.paramGroups[i]!.params[k]!)));
    this.state.clear();
    for (const [key, s] of Object.entries(dict.state)) {
      const p = byId.get(Number(key)) ?? params[Number(key)];
      if (!p) throw new ArgumentError(`${owner}.loadStateDict: state for parameter ${key}, which the optimizer does not have`);
      for (const [name, v] of Object.entries(s)) {
        if (isTensor(v) && v.numel() !== p.numel()) {
          throw new ArgumentError(
            `${owner}.loadStateDict: state '${name}' of parameter ${key} has shape ${formatShape(v.shape)}, parameter has ${formatShape(p.shape)}`,
          );
        }
      }
      this.state.set(p, copyState(s));
    }
    dict.paramGroups.forEach((g, i) => {
      const { params: _ids, ...hyper } = g;
      Object.assign(this.paramGroups[i]!, hyper);
    });
  }

  /** PyTorch-like printout of the groups' hyper-parameters. */
  toString(): string {
    const lines = [`${this.constructor.name} (`];
    this.paramGroups.forEach((g, i) => {
      lines.push(`Parameter Group ${i}`);
      for (const key of Object.keys(g).sort()) {
        if (key === "params") continue;
        lines.push(`    ${key}: ${formatValue((g as Record<string, unknown>)[key])}`);
      }
    });
    lines.push(")");
    return lines.join("\n");
  }
}

function formatValue(v: unknown): string {
  return Array.isArray(v) ? `(${v.join(", ")})` : String(v);
}

function copyState(s: ParamState): ParamState {
  const out: ParamState = {};
  for (const [k, v] of Object.entries(s)) out[k] = isTensor(v) ? detachedCopy(v) : v;
  return out;
}

/** An optimizer's defaults with the user's options over them; an option it does not have is an error naming it. */
export function withDefaults<H extends object>(owner: string, defaults: H, options: Partial<H>): H {
  checkOptions(options, Object.keys(defaults), owner);
  return { ...defaults, ...options };
}

/** Throws unless `value` is a finite number ≥ 0 (PyTorch's "Invalid learning rate" family of checks). */
export function checkNonNegative(owner: string, what: string, value: unknown): void {
  if (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value)) {
    throw new ArgumentError(`${owner}: Invalid ${what}: ${String(value)}`);
  }
}

/** Gradient values of `p`, checked to match the parameter's size. */
export function gradData(owner: string, p: Tensor): Float32Array | Float64Array {
  const g = p.grad!;
  if (g.numel() !== p.numel()) {
    throw new ArgumentError(`${owner}: gradient of shape ${formatShape(g.shape)} does not match parameter of shape ${formatShape(p.shape)}`);
  }
  // Only float tensors require grad, so gradients are float.
  return g.data as Float32Array | Float64Array;
}

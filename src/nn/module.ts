import { ArgumentError, ShapeError, Tensor } from "../tensor/index.js";
import { detachedCopy } from "../tensor/clone.js";
import { formatShape } from "../tensor/shape.js";

/** Tensors marked as parameters even when frozen (`requiresGrad = false`). */
const PARAMETERS = new WeakSet<Tensor>();

/** Marks `t` as a module parameter (PyTorch's `nn.Parameter`): it requires grad unless told otherwise. */
export function Parameter(t: Tensor, requiresGrad = true): Tensor {
  PARAMETERS.add(t);
  t.requiresGrad = requiresGrad;
  return t;
}

/** A parameter is a leaf tensor marked with `Parameter`, or any leaf tensor that requires grad. */
export function isParameter(t: Tensor): boolean {
  return PARAMETERS.has(t) || (t.isLeaf && t.requiresGrad);
}

/** The result of `loadStateDict`: keys the dict lacked and keys the module does not have. */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * Base class of layers, models and losses, as PyTorch's `nn.Module`. Parameters and sub-modules are
 * found by looking at the module's own properties (in declaration order), so
 * `class MLP extends Module { fc1 = new Linear(64, 32); ... }` registers `fc1` and its parameters
 * `fc1.weight`, `fc1.bias`. Buffers (state that is saved but not trained, e.g. BatchNorm's running
 * statistics) are declared with `registerBuffer`. Call a module with `module.forward(x)`.
 */
export abstract class Module {
  /** Training mode (dropout active, batch statistics) or evaluation mode; see `train()`/`eval()`. */
  training = true;
  #buffers = new Set<string>();

  /** The computation of this module. */
  abstract forward(...inputs: Tensor[]): Tensor;

  /** Declares `this[name] = value` as a buffer: saved in `stateDict()`, not returned by `parameters()`. */
  protected registerBuffer(name: string, value: Tensor | null): void {
    this.#buffers.add(name);
    (this as unknown as Record<string, unknown>)[name] = value;
  }

  /** Direct sub-modules with their property names. */
  namedChildren(): [string, Module][] {
    return Object.entries(this).filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every module below it, depth first, named by dotted path ("" for this one). */
  namedModules(prefix = ""): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** This module's own parameters (not its children's), by property name. */
  private ownParameters(): [string, Tensor][] {
    return Object.entries(this).filter(
      (e): e is [string, Tensor] => e[1] instanceof Tensor && !this.#buffers.has(e[0]) && isParameter(e[1]),
    );
  }

  private ownBuffers(): [string, Tensor][] {
    return [...this.#buffers].flatMap((name) => {
      const v = (this as unknown as Record<string, unknown>)[name];
      return v instanceof Tensor ? [[name, v] as [string, Tensor]] : [];
    });
  }

  /** Every parameter with its dotted name (`"0.weight"`, `"fc1.bias"`), each tensor once. */
  namedParameters(): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    for (const [path, m] of this.namedModules()) {
      for (const [name, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([path ? `${path}.${name}` : name, p]);
      }
    }
    return out;
  }

  /** Every parameter, in `namedParameters()` order: what an optimizer is given. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Tensor][] {
    return this.namedModules().flatMap(([path, m]) =>
      m.ownBuffers().map(([name, b]) => [path ? `${path}.${name}` : name, b] as [string, Tensor]),
    );
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Number of trainable values (sum of the parameters' sizes). */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.numel, 0);
  }

  /** Sets training mode on this module and every sub-module; returns `this`. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: dropout off, BatchNorm uses its running statistics. Same as `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Calls `fn` on every sub-module and then on this one (PyTorch's `apply`); returns `this`. */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** Clears the parameters' gradients: to `null` (default, as PyTorch 2) or to zeros. */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) {
      if (setToNone) p.grad = null;
      else p.grad?.zero_();
    }
  }

  /** Copies of every parameter and buffer, keyed by dotted name. */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [path, m] of this.namedModules()) {
      for (const [name, t] of [...m.ownParameters(), ...m.ownBuffers()]) {
        out[path ? `${path}.${name}` : name] = detachedCopy(t);
      }
    }
    return out;
  }

  /**
   * Copies values from a `stateDict()` into this module's parameters and buffers (in place, so an
   * optimizer holding them keeps working). With `strict` (default), missing or unexpected keys throw.
   */
  loadStateDict(state: Record<string, Tensor>, { strict = true }: { strict?: boolean } = {}): LoadStateDictResult {
    const owner = this.constructor.name;
    if (typeof state !== "object" || state === null || Array.isArray(state)) {
      throw new ArgumentError(`${owner}.loadStateDict: state should be an object of tensors (from stateDict()), got ${state === null ? "null" : Array.isArray(state) ? "an array" : typeof state}`);
    }
    for (const [key, value] of Object.entries(state)) {
      if (!(value instanceof Tensor)) {
        throw new ArgumentError(`${owner}.loadStateDict: state['${key}'] should be a Tensor, got ${value === null ? "null" : typeof value}`);
      }
    }
    const targets = new Map<string, Tensor>([...this.namedParameters(), ...this.namedBuffers()]);
    const missingKeys = [...targets.keys()].filter((k) => !(k in state));
    const unexpectedKeys = Object.keys(state).filter((k) => !targets.has(k));
    if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
      throw new ArgumentError(
        `Error(s) in loading state dict for ${this.constructor.name}: missing keys [${missingKeys.join(", ")}], unexpected keys [${unexpectedKeys.join(", ")}]`,
      );
    }
    for (const [key, target] of targets) {
      const source = state[key];
      if (!source) continue;
      if (source.shape.length !== target.shape.length || source.shape.some((d, i) => d !== target.shape[i])) {
        throw new ShapeError(
          `loadStateDict: size mismatch for ${key}: copying a tensor of shape ${formatShape(source.shape)}, the module's is ${formatShape(target.shape)}`,
        );
      }
      target.data.set(source.data);
    }
    return { missingKeys, unexpectedKeys };
  }

  /** The text between the parentheses in `toString()`, e.g. `inFeatures=64, outFeatures=10, bias=true`. */
  extraRepr(): string {
    return "";
  }

  /** PyTorch-like printout: the module tree with each layer's settings. */
  toString(): string {
    const children = this.namedChildren();
    const extra = this.extraRepr();
    if (children.length === 0) return `${this.constructor.name}(${extra})`;
    const lines: string[] = [];
    if (extra) lines.push(...extra.split("\n"));
    for (const [name, child] of children) lines.push(`(${name}): ${indent(child.toString())}`);
    return `${this.constructor.name}(\n${lines.map((l) => `  ${l}`).join("\n")}\n)`;
  }
}

function indent(text: string): string {
  return text.split("\n").join("\n  ");
}


import { ArgumentError, type Tensor } from "../tensor/index.js";
import { runConvBlock } from "./conv.js";
import { Module } from "./module.js";

/** A list of modules whose parameters are registered (PyTorch's `ModuleList`); children are named "0", "1", …. */
export class ModuleList extends Module {
  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  /** Number of modules (overrides the `length` a callable's type has). */
  override get length(): number {
    return this.children().length;
  }

  /** Adds a module at the end; returns `this`. */
  append(module: Module): this {
    if (!(module instanceof Module)) throw new ArgumentError(`${this.constructor.name}: expected a Module, got ${typeof module}`);
    (this as unknown as Record<string, Module>)[String(this.length)] = module;
    return this;
  }

  /** The module at position `index` (negative counts from the end). */
  get(index: number): Module {
    const children = this.children();
    const m = children[index < 0 ? children.length + index : index];
    if (!m) throw new ArgumentError(`${this.constructor.name}: index ${index} is out of range for ${children.length} modules`);
    return m;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  /** A list has no computation of its own: a containing module calls its members. */
  forward(_input: Tensor): Tensor {
    throw new ArgumentError("ModuleList has no forward; call its modules' forward from your own module");
  }
}

/** Modules applied one after the other: forward(x) = mₙ(…m₁(x)). */
export class Sequential extends ModuleList {
  constructor(...modules: Module[]) {
    super(modules);
  }

  override forward(input: Tensor): Tensor {
    let x = input;
    const modules = this.children();
    for (let i = 0; i < modules.length; ) {
      // Conv2d → ReLU (→ MaxPool2d) runs as one block when it can (same results, fewer passes).
      const block = runConvBlock(modules, i, x);
      if (block !== null) {
        [x, i] = [block[0], i + block[1]];
        continue;
      }
      x = modules[i]!.forward(x);
      i++;
    }
    return x;
  }
}

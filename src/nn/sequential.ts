import { ArgumentError, type Tensor } from "../tensor/index.js";
import { Module } from "./module.js";

/** Modules applied one after the other; children are named "0", "1", … as in PyTorch. */
export class Sequential extends Module {
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m) => this.append(m));
  }

  /** Number of modules. */
  get length(): number {
    return this.children().length;
  }

  /** Adds a module at the end; returns `this`. */
  append(module: Module): this {
    if (!(module instanceof Module)) throw new ArgumentError(`Sequential: expected a Module, got ${typeof module}`);
    (this as unknown as Record<string, Module>)[String(this.length)] = module;
    return this;
  }

  /** The module at position `index` (negative counts from the end). */
  get(index: number): Module {
    const children = this.children();
    const m = children[index < 0 ? children.length + index : index];
    if (!m) throw new ArgumentError(`Sequential: index ${index} is out of range for ${children.length} modules`);
    return m;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  forward(input: Tensor): Tensor {
    let x = input;
    for (const m of this.children()) x = m.forward(x);
    return x;
  }
}

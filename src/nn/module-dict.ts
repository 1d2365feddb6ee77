import { ArgumentError, type Tensor } from "../tensor/index.js";
import { Module } from "./module.js";

/** What `ModuleDict` accepts: an object of modules, a Map, another ModuleDict or `[name, module]` pairs. */
export type ModuleDictInput<T extends Record<string, Module> = Record<string, Module>> =
  | T
  | Map<string, Module>
  | ModuleDict
  | Iterable<readonly [string, Module]>;

/**
 * Modules held by name, their parameters registered (PyTorch's `ModuleDict`): `blocks.get("conv")`
 * for `blocks["conv"]`, `set`, `has` (`in`), `delete` (`del`), `pop`, `keys()`, `values()`, `items()`,
 * `length`; `for (const key of dict)` gives the keys, as Python's `for key in dict`. Insertion order is
 * kept (also for keys like "1", which a plain object would move first). Built from an object, `get`
 * is typed per key: `new ModuleDict({ wte: new Embedding(65, 32) }).get("wte")` is an `Embedding`.
 */
export class ModuleDict<T extends Record<string, Module> = Record<string, Module>> extends Module {
  #order: string[] = [];

  constructor(modules?: ModuleDictInput<T>) {
    super();
    if (modules !== undefined) this.update(modules);
  }

  /** Number of modules. */
  override get length(): number {
    return this.#order.length;
  }

  /** The module named `key`. */
  get<K extends keyof T & string>(key: K): T[K] {
    if (!this.has(key)) throw new ArgumentError(`ModuleDict: no module named '${String(key)}' (keys: ${this.#order.join(", ") || "none"})`);
    return (this as unknown as T)[key];
  }

  /** Adds or replaces the module named `key`; returns `this`. */
  set(key: string, module: Module): this {
    if (typeof key !== "string") throw new ArgumentError(`ModuleDict: module name should be a string, got ${typeof key}`);
    if (key === "") throw new ArgumentError(`ModuleDict: module name can't be empty string ""`);
    if (key.includes(".")) throw new ArgumentError(`ModuleDict: module name can't contain ".", got: ${key}`);
    if (!(module instanceof Module)) throw new ArgumentError(`ModuleDict: '${key}' should be a Module, got ${module === null ? "null" : typeof module}`);
    // A name like "forward" or "training" would hide the module's own member, as PyTorch refuses too.
    if (!this.has(key) && key in this) throw new ArgumentError(`ModuleDict: attribute '${key}' already exists`);
    (this as unknown as Record<string, Module>)[key] = module;
    if (!this.#order.includes(key)) this.#order.push(key);
    return this;
  }

  /** Whether a module is named `key` (Python's `key in dict`). */
  has(key: string): boolean {
    return this.#order.includes(key);
  }

  /** Removes the module named `key`; true when there was one. */
  delete(key: string): boolean {
    if (!this.has(key)) return false;
    delete (this as unknown as Record<string, Module>)[key];
    this.#order = this.#order.filter((k) => k !== key);
    return true;
  }

  /** Removes the module named `key` and returns it. */
  pop<K extends keyof T & string>(key: K): T[K] {
    const m = this.get(key);
    this.delete(key);
    return m;
  }

  /** Removes every module. */
  clear(): void {
    for (const key of [...this.#order]) this.delete(key);
  }

  keys(): string[] {
    return [...this.#order];
  }

  values(): Module[] {
    return this.#order.map((k) => this.get(k));
  }

  items(): [string, Module][] {
    return this.#order.map((k) => [k, this.get(k)]);
  }

  /** Adds (or replaces) every module of `modules`, in its order. */
  update(modules: ModuleDictInput<Record<string, Module>>): this {
    let pairs: Iterable<readonly [string, Module]>;
    if (modules instanceof ModuleDict) pairs = modules.items();
    else if (modules instanceof Map) pairs = modules.entries();
    else if (typeof modules === "object" && modules !== null && Symbol.iterator in modules) pairs = modules as Iterable<readonly [string, Module]>;
    else if (typeof modules === "object" && modules !== null && !(modules instanceof Module)) pairs = Object.entries(modules);
    else throw new ArgumentError(`ModuleDict.update: modules should be an object of modules, a Map or [name, module] pairs, got ${modules === null ? "null" : typeof modules}`);
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new ArgumentError(`ModuleDict.update: each element should be a [name, module] pair, got ${JSON.stringify(pair)}`);
      }
      this.set(pair[0], pair[1]);
    }
    return this;
  }

  /** Children in insertion order. */
  override namedChildren(): [string, Module][] {
    return this.items();
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }

  /** A dict has no computation of its own: a containing module calls its members. */
  forward(_input: Tensor): Tensor {
    throw new ArgumentError("ModuleDict has no forward; call its modules' forward from your own module");
  }
}

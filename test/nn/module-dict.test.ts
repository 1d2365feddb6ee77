import { describe, expect, it } from "vitest";
import { manualSeed, randn, type Tensor } from "../../src/tensor/index.js";
import { Linear, Module, ModuleDict, ModuleList, ReLU, Tanh } from "../../src/nn/index.js";
import { SGD } from "../../src/optim/index.js";

class Heads extends Module {
  trunk = new Linear(4, 3);
  heads = new ModuleDict({ cls: new Linear(3, 2), reg: new Linear(3, 1) });
  acts = new ModuleDict([["relu", new ReLU()], ["tanh", new Tanh()]] as const);

  forward(x: Tensor): Tensor {
    return this.heads.get("cls")(this.acts.get("relu")(this.trunk(x)));
  }
}

describe("ModuleDict", () => {
  it("registers its modules' parameters under their names, in insertion order", () => {
    const m = new Heads();
    expect(m.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ["trunk.weight", [3, 4]],
      ["trunk.bias", [3]],
      ["heads.cls.weight", [2, 3]],
      ["heads.cls.bias", [2]],
      ["heads.reg.weight", [1, 3]],
      ["heads.reg.bias", [1]],
    ]);
    expect(Object.keys(m.stateDict())).toContain("heads.reg.bias");
    expect(m(randn(5, 4)).shape).toEqual([5, 2]);
    expect(m.toString()).toContain("(heads): ModuleDict(\n    (cls): Linear(inFeatures=3, outFeatures=2, bias=true)");
  });

  it("get/set/has/delete/pop/keys/values/items/length/iteration as a Python dict", () => {
    const d = new ModuleDict<Record<string, Module>>();
    d.set("b", new ReLU()).set("1", new Tanh()).set("a", new Linear(2, 2));
    expect(d.keys()).toEqual(["b", "1", "a"]); // "1" stays where it was put
    expect([...d]).toEqual(["b", "1", "a"]);
    expect(d.length).toBe(3);
    expect(d.has("a")).toBe(true);
    expect(d.get("1")).toBeInstanceOf(Tanh);
    expect(d.values().map((m) => m.constructor.name)).toEqual(["ReLU", "Tanh", "Linear"]);
    expect(d.items()[2]![0]).toBe("a");
    const lin = d.pop("a");
    expect(lin).toBeInstanceOf(Linear);
    expect(d.parameters()).toEqual([]);
    d.set("b", new Linear(1, 1)); // replacing keeps the position
    expect(d.keys()).toEqual(["b", "1"]);
    expect(d.delete("zzz")).toBe(false);
    d.update(new Map([["c", new ReLU()]]));
    d.update(new ModuleDict({ e: new ReLU() }));
    expect(d.keys()).toEqual(["b", "1", "c", "e"]);
    d.clear();
    expect(d.length).toBe(0);
    expect(d.parameters()).toEqual([]);
  });

  it("an optimizer sees the parameters of modules added later; training mode reaches them", () => {
    manualSeed(0);
    // Keys added later: the dict's type says so (built from an object, it knows only that object's keys).
    const d = new ModuleDict<Record<string, Module>>({ a: new Linear(2, 2) });
    d.set("b", new ModuleList([new Linear(2, 1)]));
    expect(d.parameters().length).toBe(4);
    const opt = new SGD(d.parameters(), { lr: 0.1 });
    const y = (d.get("b") as ModuleList).get(0)(d.get("a")(randn(3, 2))).sum();
    y.backward();
    opt.step();
    d.eval();
    expect((d.get("b") as ModuleList).get(0).training).toBe(false);
  });

  it("errors name the key", () => {
    const d = new ModuleDict();
    expect(() => d.get("x")).toThrow(/ModuleDict: no module named 'x' \(keys: none\)/);
    expect(() => d.set("a.b", new ReLU())).toThrow(/module name can't contain "\.", got: a.b/);
    expect(() => d.set("", new ReLU())).toThrow(/can't be empty string/);
    expect(() => d.set("forward", new ReLU())).toThrow(/attribute 'forward' already exists/);
    expect(() => d.set("training", new ReLU())).toThrow(/attribute 'training' already exists/);
    expect(() => d.set("w", 3 as unknown as Module)).toThrow(/'w' should be a Module, got number/);
    expect(() => d.update([["a"]] as unknown as [string, Module][])).toThrow(/each element should be a \[name, module\] pair/);
    expect(() => d(randn(2))).toThrow(/ModuleDict has no forward/);
  });
});

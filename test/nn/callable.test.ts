// `model(x)` as in PyTorch: modules and losses are callable, and stay ordinary modules otherwise.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { manualSeed, tensor, type Tensor } from "../../src/tensor/index.js";
import { CrossEntropyLoss, Linear, Module, ModuleList, ReLU, Sequential } from "../../src/nn/index.js";

class TwoLayer extends Module {
  fc1 = new Linear(3, 4);
  fc2 = new Linear(4, 2);
  forward(x: Tensor): Tensor {
    return this.fc2(this.fc1(x).relu());
  }
}

describe("calling a module", () => {
  it("model(x) is model.forward(x), for layers, containers, user modules and losses", () => {
    manualSeed(0);
    const x = tensor([[1, -2, 3], [0.5, 0, -1]]);
    const model = new TwoLayer();
    expect(model(x).tolist()).toEqual(model.forward(x).tolist());
    const seq = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    expect(seq(x).tolist()).toEqual(seq.forward(x).tolist());
    const criterion = new CrossEntropyLoss();
    const y = tensor([1, 0]);
    expect(criterion(seq(x), y).item()).toBe(criterion.forward(seq.forward(x), y).item());
  });

  it("gradients flow through a called module as through forward", () => {
    manualSeed(1);
    const model = new TwoLayer();
    model(tensor([[1, 2, 3]])).sum().backward();
    const viaCall = model.parameters().map((p) => p.grad!.tolist());
    model.zeroGrad();
    model.forward(tensor([[1, 2, 3]])).sum().backward();
    expect(model.parameters().map((p) => p.grad!.tolist())).toEqual(viaCall);
  });

  it("a callable module keeps its class, fields, parameters, state dict and printout", () => {
    const model = new TwoLayer();
    expect(model).toBeInstanceOf(TwoLayer);
    expect(model).toBeInstanceOf(Module);
    expect(model.constructor.name).toBe("TwoLayer");
    expect(model.namedParameters().map(([n]) => n)).toEqual(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]);
    expect(Object.keys(model.stateDict())).toEqual(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]);
    expect(String(model)).toMatch(/^TwoLayer\(\n {2}\(fc1\): Linear\(inFeatures=3/);
    expect(inspect(model)).toBe(String(model));
    // A function's own `length` must not hide ModuleList's.
    expect(new ModuleList([new ReLU(), new ReLU()]).length).toBe(2);
    expect(new Sequential(new ReLU()).length).toBe(1);
  });

  it("errors from forward reach the caller unchanged", () => {
    const layer = new Linear(3, 2);
    expect(() => layer(tensor([[1, 2]]))).toThrow(/Linear: input of shape \(1x2\) has 2 features, layer expects 3/);
  });
});

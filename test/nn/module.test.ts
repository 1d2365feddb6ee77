import { describe, expect, it } from "vitest";
import { manualSeed, tensor, type Tensor } from "../../src/tensor/index.js";
import { BatchNorm1d, Conv2d, Dropout, MaxPool2d, Flatten, Linear, Module, ModuleList, Parameter, ReLU, Sequential, Tanh } from "../../src/nn/index.js";

class MLP extends Module {
  fc1 = new Linear(4, 3);
  act = new ReLU();
  fc2 = new Linear(3, 2, { bias: false });
  scale = Parameter(tensor([1.0]), false);

  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x))).mul(this.scale);
  }
}

describe("Module", () => {
  it("finds parameters and children from its properties, with dotted names", () => {
    const m = new MLP();
    expect(m.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ["scale", [1]],
      ["fc1.weight", [3, 4]],
      ["fc1.bias", [3]],
      ["fc2.weight", [2, 3]],
    ]);
    expect(m.namedChildren().map(([n]) => n)).toEqual(["fc1", "act", "fc2"]);
    expect(m.numParameters()).toBe(1 + 12 + 3 + 6);
    const seq = new Sequential(new Linear(2, 2), new Tanh(), new Linear(2, 1));
    expect(seq.namedParameters().map(([n]) => n)).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
    expect(seq.length).toBe(3);
    expect(seq.get(-1)).toBeInstanceOf(Linear);
  });

  it("registers the members of a ModuleList", () => {
    class Stack extends Module {
      layers = new ModuleList([new Linear(2, 3), new Linear(3, 1)]);
      forward(x: Tensor): Tensor {
        for (const layer of this.layers) x = layer.forward(x).tanh();
        return x;
      }
    }
    const m = new Stack();
    expect(m.namedParameters().map(([n]) => n)).toEqual(["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]);
    expect(m.forward(tensor([[1, 2]])).shape).toEqual([1, 1]);
    expect(() => m.layers.forward(tensor([1]))).toThrow(/ModuleList has no forward/);
  });

  it("counts a shared parameter once", () => {
    const shared = new Linear(2, 2);
    const seq = new Sequential(shared, new ReLU(), shared);
    expect(seq.parameters().length).toBe(2);
  });

  it("train()/eval() reach every sub-module", () => {
    const seq = new Sequential(new Linear(2, 2), new Sequential(new Dropout(0.5)));
    seq.eval();
    expect(seq.modules().every((m) => !m.training)).toBe(true);
    seq.train();
    expect(seq.modules().every((m) => m.training)).toBe(true);
  });

  it("zeroGrad sets grads to null by default, to zeros on request", () => {
    const lin = new Linear(2, 1);
    lin.forward(tensor([[1, 2]])).sum().backward();
    expect(lin.weight.grad).not.toBeNull();
    lin.zeroGrad({ setToNone: false });
    expect(lin.weight.grad!.tolist()).toEqual([[0, 0]]);
    lin.zeroGrad();
    expect(lin.weight.grad).toBeNull();
  });

  it("stateDict copies parameters and buffers; loadStateDict restores them in place", () => {
    manualSeed(1);
    const a = new Sequential(new Linear(3, 2), new BatchNorm1d(2));
    manualSeed(2);
    const b = new Sequential(new Linear(3, 2), new BatchNorm1d(2));
    a.forward(tensor([[1, 2, 3], [0, 1, -1], [2, 0, 1]]));
    const state = a.stateDict();
    expect(Object.keys(state)).toEqual(["0.weight", "0.bias", "1.weight", "1.bias", "1.runningMean", "1.runningVar", "1.numBatchesTracked"]);
    expect(state["1.numBatchesTracked"]!.item()).toBe(1);
    const weightBefore = b.get(0).parameters()[0]!;
    b.loadStateDict(state);
    expect(b.get(0).parameters()[0]).toBe(weightBefore);
    for (const [k, v] of Object.entries(b.stateDict())) expect(v.tolist()).toEqual(state[k]!.tolist());
    // A copy: changing the model later does not change the saved dict.
    (a.get(0) as Linear).weight.data[0] = 42;
    expect(state["0.weight"]!.data[0]).not.toBe(42);
  });

  it("loadStateDict names missing, unexpected and mis-shaped keys", () => {
    const lin = new Linear(3, 2);
    const { bias: _b, ...noBias } = { ...lin.stateDict(), bias: null };
    expect(() => lin.loadStateDict(noBias as Record<string, Tensor>)).toThrow(/missing keys \[bias\]/);
    expect(() => lin.loadStateDict({ ...lin.stateDict(), extra: tensor([1]) })).toThrow(/unexpected keys \[extra\]/);
    expect(() => lin.loadStateDict({ ...lin.stateDict(), weight: tensor([[1, 2]]) })).toThrow(/size mismatch for weight.*\(1x2\).*\(2x3\)/);
    expect(lin.loadStateDict({ weight: lin.stateDict().weight! }, { strict: false }).missingKeys).toEqual(["bias"]);
  });

  it("prints like PyTorch's repr", () => {
    const seq = new Sequential(new Flatten(), new Linear(64, 32), new ReLU(), new Dropout(0.2), new Sequential(new Linear(32, 10)));
    expect(seq.toString()).toBe(
      [
        "Sequential(",
        "  (0): Flatten(startDim=1, endDim=-1)",
        "  (1): Linear(inFeatures=64, outFeatures=32, bias=true)",
        "  (2): ReLU()",
        "  (3): Dropout(p=0.2)",
        "  (4): Sequential(",
        "    (0): Linear(inFeatures=32, outFeatures=10, bias=true)",
        "  )",
        ")",
      ].join("\n"),
    );
    expect(String(new Sequential(new Conv2d(1, 8, 3, { padding: 1 }), new MaxPool2d(2)))).toBe(
      "Sequential(\n  (0): Conv2d(1, 8, kernelSize=(3, 3), stride=(1, 1), padding=(1, 1))\n  (1): MaxPool2d(kernelSize=2, stride=2, padding=0)\n)",
    );
    expect(String(new BatchNorm1d(4))).toBe("BatchNorm1d(4, eps=0.00001, momentum=0.1, affine=true, trackRunningStats=true)");
  });
});

describe("Linear", () => {
  it("starts from U(-1/sqrt(fanIn), 1/sqrt(fanIn)), reproducibly under manualSeed", () => {
    manualSeed(0);
    const lin = new Linear(100, 200);
    const bound = 1 / Math.sqrt(100);
    const w = [...lin.weight.data];
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...lin.bias!.data.map(Math.abs))).toBeLessThanOrEqual(bound);
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(variance).toBeCloseTo(bound ** 2 / 3, 4); // the variance of U(-b, b)
    expect(Math.max(...w)).toBeGreaterThan(0.95 * bound);
    manualSeed(0);
    expect([...new Linear(100, 200).weight.data]).toEqual(w);
    expect(lin.weight.requiresGrad && lin.weight.isLeaf).toBe(true);
  });

  it("Conv2d uses fanIn = inChannels·kh·kw for its bound", () => {
    const conv = new Conv2d(4, 6, [3, 5]);
    const bound = 1 / Math.sqrt(4 * 3 * 5);
    expect(conv.weight.shape).toEqual([6, 4, 3, 5]);
    expect(Math.max(...conv.weight.data.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...conv.weight.data.map(Math.abs))).toBeGreaterThan(0.9 * bound);
  });

  it("maps the last dimension, so a single sample [inFeatures] works too", () => {
    const lin = new Linear(3, 2);
    const batch = lin.forward(tensor([[1, 2, 3]]));
    const single = lin.forward(tensor([1, 2, 3]));
    expect(single.shape).toEqual([2]);
    expect(single.tolist()).toEqual((batch.tolist() as number[][])[0]);
  });

  it("rejects an input with the wrong number of features", () => {
    expect(() => new Linear(4, 2).forward(tensor([[1, 2, 3]]))).toThrow(/\(1x3\) has 3 features, layer expects 4/);
    expect(() => new Linear(0, 2)).toThrow(/inFeatures should be a positive integer/);
  });
});

describe("Dropout", () => {
  it("zeroes about p of the values, scales the rest by 1/(1-p), and is the identity in eval", () => {
    manualSeed(5);
    const drop = new Dropout(0.25);
    const x = tensor(Array.from({ length: 4000 }, () => 2), { requiresGrad: true });
    const y = drop.forward(x);
    const values = [...y.data];
    const zeros = values.filter((v) => v === 0).length;
    expect(zeros / 4000).toBeGreaterThan(0.22);
    expect(zeros / 4000).toBeLessThan(0.28);
    expect(values.filter((v) => v !== 0).every((v) => Math.abs(v - 2 / 0.75) < 1e-6)).toBe(true);
    y.sum().backward();
    expect([...x.grad!.data].map((g) => g * 2)).toEqual(values.map((v) => Math.fround(v)));
    drop.eval();
    expect(drop.forward(x)).toBe(x);
    expect(() => new Dropout(1.5)).toThrow(/between 0 and 1, but got 1.5/);
  });

  it("draws the same mask for the same seed", () => {
    const mask = () => {
      manualSeed(9);
      return [...new Dropout(0.5).forward(tensor(Array.from({ length: 20 }, () => 1))).data];
    };
    expect(mask()).toEqual(mask());
  });
});

describe("BatchNorm1d on [N, C, L]", () => {
  it("normalises each channel over the batch and length dimensions", () => {
    manualSeed(4);
    const bn = new BatchNorm1d(2, { dtype: "float64" });
    const x = tensor(Array.from({ length: 3 }, (_, n) => [[1 + n, 5, 2 * n], [10, -n, 3]]), { dtype: "float64" });
    const y = bn.forward(x).tolist() as number[][][];
    for (let c = 0; c < 2; c++) {
      const values = y.flatMap((sample) => sample[c]!);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      expect(mean).toBeCloseTo(0, 12);
      expect(variance).toBeCloseTo(1, 3); // eps keeps it just under 1
    }
    // Running mean of channel 0 over its 9 values (1, 5, 0, 2, 5, 2, 3, 5, 4), weighted by momentum 0.1.
    expect(bn.runningMean!.data[0]).toBeCloseTo(0.1 * (27 / 9), 12);
  });
});

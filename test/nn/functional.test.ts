// F: torch.nn.functional's names, the same numbers as the modules, and cross-entropy on (N, C, d…).
import { describe, expect, it } from "vitest";
import { manualSeed, randn, tensor } from "../../src/tensor/index.js";
import { CrossEntropyLoss, functional, Linear, MSELoss, NLLLoss, ReLU } from "../../src/nn/index.js";
import * as library from "../../src/index.js";

const F = functional;

describe("F (torch.nn.functional)", () => {
  it("is exported as F at the top level and as nn.functional", () => {
    expect(library.F.crossEntropy).toBe(F.crossEntropy);
    expect(library.nn.functional.relu).toBe(F.relu);
  });

  it("gives the modules' numbers", () => {
    manualSeed(3);
    const x = randn([4, 3]);
    const y = tensor([0, 2, 1, 2]);
    expect(F.crossEntropy(x, y).item()).toBe(new CrossEntropyLoss()(x, y).item());
    expect(F.nllLoss(x.logSoftmax(1), y, { reduction: "sum" }).item()).toBe(new NLLLoss({ reduction: "sum" })(x.logSoftmax(1), y).item());
    expect(F.mseLoss(x, x.mul(2)).item()).toBe(new MSELoss()(x, x.mul(2)).item());
    expect(F.relu(x).tolist()).toEqual(new ReLU()(x).tolist());
    const layer = new Linear(3, 2);
    expect(F.linear(x, layer.weight, layer.bias).tolist()).toEqual(layer(x).tolist());
  });

  it("cross-entropy on (N, C, d…) keeps the unreduced losses in the shape (N, d…)", () => {
    manualSeed(4);
    const x = randn([2, 5, 3]);
    const t = tensor([[0, 4, 2], [1, 1, 3]]);
    const none = F.crossEntropy(x, t, { reduction: "none" });
    expect(none.shape).toEqual([2, 3]);
    // Each element equals the (N, C) loss of that position's scores.
    const at = x.index(1).T.index(2).unsqueeze(0);
    expect((none.tolist() as number[][])[1]![2]).toBeCloseTo(F.crossEntropy(at, tensor([3])).item(), 6);
    expect(F.crossEntropy(x, t).item()).toBeCloseTo(none.mean().item(), 6);
    expect(F.crossEntropy(tensor([1, 2, 3]), tensor(2)).shape).toEqual([]);
  });

  it("errors name the argument and the shapes", () => {
    const x = randn([2, 5, 3]);
    expect(() => F.crossEntropy(x, tensor([[0, 1], [1, 1]]))).toThrow(
      /CrossEntropyLoss: expected target of shape \(2x3\) with class indices for input \(2x5x3\), got \(2x2\)/,
    );
    expect(() => F.crossEntropy(randn([2, 3]), tensor([0, 1]), { ignore_index: 0 } as never)).toThrow(
      /F.crossEntropy: unknown option "ignore_index" \(expected reduction, weight, ignoreIndex, labelSmoothing\)/,
    );
    expect(() => F.mseLoss(randn([2]), randn([3]))).toThrow(/MSELoss: input \(2\) and target \(3\) must have the same shape/);
    expect(() => F.crossEntropy(tensor([1, 2, 3]), tensor([2]))).toThrow(/target should be a 0-d class index, got \(1\)/);
  });
});

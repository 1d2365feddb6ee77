// toString follows PyTorch's printout (expected strings taken from torch 1.13's repr, with our
// camelCase suffixes: requiresGrad=true, gradFn=<...>, dtype=float64).
import { describe, expect, it } from "vitest";
import { arange, tensor } from "../../src/tensor/index.js";
import { torchReprCases } from "../support/torch-repr.js";

describe("toString like PyTorch", () => {
  // The same printouts the display layer's plain-object test checks, here through real tensors.
  for (const c of torchReprCases().filter((c) => c.gradFn === null)) {
    it(`torch 1.13: ${c.name}`, () => {
      const t = tensor(Float64Array.from(c.values), { shape: c.shape, dtype: c.dtype, requiresGrad: c.requiresGrad });
      expect(t.toString()).toBe(c.repr);
    });
  }

  const cases: [string, () => string, string][] = [
    ["leaf requiring grad", () => tensor([[0.1, 0.2]], { requiresGrad: true }).toString(), "tensor([[0.1000, 0.2000]], requiresGrad=true)"],
    ["scientific for small values", () => tensor([1e-6, 2, 3]).toString(), "tensor([1.0000e-06, 2.0000e+00, 3.0000e+00])"],
    ["summarised past 1000 elements", () => arange(2000).reshape(2, 1000).div(7).toString(),
      "tensor([[0.0000e+00, 1.4286e-01, 2.8571e-01,  ..., 1.4243e+02, 1.4257e+02,\n         1.4271e+02],\n" +
      "        [1.4286e+02, 1.4300e+02, 1.4314e+02,  ..., 2.8529e+02, 2.8543e+02,\n         2.8557e+02]])"],
    ["nan and inf", () => tensor([-1.5, NaN, Infinity]).toString(), "tensor([-1.5000,     nan,     inf])"],
    ["3-D with blank line between blocks", () => arange(24).reshape(2, 3, 4).sub(5.5).toString(),
      "tensor([[[-5.5000, -4.5000, -3.5000, -2.5000],\n         [-1.5000, -0.5000,  0.5000,  1.5000],\n         [ 2.5000,  3.5000,  4.5000,  5.5000]],\n\n" +
      "        [[ 6.5000,  7.5000,  8.5000,  9.5000],\n         [10.5000, 11.5000, 12.5000, 13.5000],\n         [14.5000, 15.5000, 16.5000, 17.5000]]])"],
    ["long vector wraps at 80 columns", () => arange(30).div(3).toString(),
      "tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,\n" +
      "        3.0000, 3.3333, 3.6667, 4.0000, 4.3333, 4.6667, 5.0000, 5.3333, 5.6667,\n" +
      "        6.0000, 6.3333, 6.6667, 7.0000, 7.3333, 7.6667, 8.0000, 8.3333, 8.6667,\n" +
      "        9.0000, 9.3333, 9.6667])"],
    ["large range", () => tensor([1e10, 1]).toString(), "tensor([1.0000e+10, 1.0000e+00])"],
    ["zeros", () => tensor([0, 0]).toString(), "tensor([0., 0.])"],
    ["non-leaf shows gradFn", () => tensor([1, 1], { requiresGrad: true }).sum().toString(), "tensor(2., gradFn=<SumBackward0>)"],
  ];
  for (const [name, make, expected] of cases) {
    it(name, () => expect(make()).toBe(expected));
  }
});

describe("item and tolist", () => {
  it("tolist gives nested arrays, item a number", () => {
    expect(arange(6).reshape(2, 3).tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(tensor(2.5).tolist()).toBe(2.5);
    expect(tensor([[7]]).item()).toBe(7);
  });

  it("item refuses tensors with more than one element", () => {
    expect(() => tensor([1, 2]).item()).toThrow(/a Tensor with 2 elements cannot be converted/);
  });
});

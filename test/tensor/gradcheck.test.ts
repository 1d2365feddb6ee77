// Every differentiable op's gradient against central finite differences (float64).
import { describe, expect, it } from "vitest";
import {
  cat, conv2d, dropout, manualSeed, maxPool2d, rand, randn, stack, tensor, type Tensor,
} from "../../src/tensor/index.js";
import { gradcheck } from "./gradcheck.js";

const f64 = { dtype: "float64" as const, requiresGrad: true };
const X = (...shape: number[]): Tensor => randn(shape, f64);
/** Values in [0.5, 2): safe for log, sqrt, division, pow with tensor exponents. */
const P = (...shape: number[]): Tensor => rand(shape, { dtype: "float64" }).mul(1.5).add(0.5).requiresGrad_();

type Case = [name: string, fn: (...t: Tensor[]) => Tensor, inputs: () => Tensor[]];

const CASES: Case[] = [
  ["add (broadcast)", (a, b) => a!.add(b!), () => [X(2, 3, 4), X(3, 1)]],
  ["add scalar", (a) => a!.add(2.5), () => [X(3, 2)]],
  ["sub (broadcast)", (a, b) => a!.sub(b!), () => [X(4), X(2, 4)]],
  ["mul (broadcast)", (a, b) => a!.mul(b!), () => [X(2, 1, 3), X(4, 1)]],
  ["mul same tensor", (a) => a!.mul(a!), () => [X(5)]],
  ["div (broadcast)", (a, b) => a!.div(b!), () => [X(3, 4), P(4)]],
  ["pow scalar", (a) => a!.pow(3), () => [X(3, 3)]],
  ["pow fractional", (a) => a!.pow(0.7), () => [P(6)]],
  ["pow tensor exponent", (a, b) => a!.pow(b!), () => [P(2, 3), X(3)]],
  ["maximum", (a, b) => a!.maximum(b!), () => [X(3, 4), X(4)]],
  ["minimum", (a, b) => a!.minimum(b!), () => [X(3, 4), X(3, 1)]],
  ["neg", (a) => a!.neg(), () => [X(4)]],
  ["exp", (a) => a!.exp(), () => [X(2, 3)]],
  ["log", (a) => a!.log(), () => [P(2, 3)]],
  ["sqrt", (a) => a!.sqrt(), () => [P(2, 3)]],
  ["abs", (a) => a!.abs(), () => [X(2, 5)]],
  ["relu", (a) => a!.relu(), () => [X(3, 5)]],
  ["sigmoid", (a) => a!.sigmoid(), () => [randn([3, 5], { dtype: "float64" }).mul(4).requiresGrad_()]],
  ["tanh", (a) => a!.tanh(), () => [X(3, 5)]],
  ["matmul 2-D", (a, b) => a!.matmul(b!), () => [X(3, 4), X(4, 5)]],
  ["matmul dot", (a, b) => a!.matmul(b!), () => [X(4), X(4)]],
  ["matmul vector @ matrix", (a, b) => a!.matmul(b!), () => [X(4), X(4, 3)]],
  ["matmul matrix @ vector", (a, b) => a!.matmul(b!), () => [X(3, 4), X(4)]],
  ["matmul batched broadcast", (a, b) => a!.matmul(b!), () => [X(2, 1, 3, 4), X(3, 4, 2)]],
  ["matmul batched @ vector", (a, b) => a!.matmul(b!), () => [X(2, 3, 4), X(4)]],
  ["sum all", (a) => a!.sum(), () => [X(2, 3, 4)]],
  ["sum dims keepdim", (a) => a!.sum([0, 2], true), () => [X(2, 3, 4)]],
  ["sum negative dim", (a) => a!.sum(-1), () => [X(2, 3, 4)]],
  ["mean all", (a) => a!.mean(), () => [X(3, 4)]],
  ["mean dim", (a) => a!.mean(1), () => [X(3, 4, 2)]],
  ["max all", (a) => a!.max(), () => [X(3, 4)]],
  ["max dim", (a) => a!.max(1).values, () => [X(3, 4, 2)]],
  ["min dim keepdim", (a) => a!.min(0, true).values, () => [X(3, 4)]],
  ["var unbiased", (a) => a!.var(1), () => [X(3, 5)]],
  ["std all biased", (a) => a!.std(undefined, { unbiased: false }), () => [X(3, 5)]],
  ["std dims keepdim", (a) => a!.std([0, 2], { keepdim: true }), () => [X(3, 2, 4)]],
  ["var dim 0 biased", (a) => a!.var(0, { unbiased: false }), () => [X(4, 3)]],
  ["softmax last dim", (a) => a!.softmax(-1), () => [X(3, 5)]],
  ["softmax middle dim", (a) => a!.softmax(1), () => [X(2, 4, 3)]],
  ["logSoftmax", (a) => a!.logSoftmax(1), () => [X(3, 5)]],
  ["logSoftmax dim 0", (a) => a!.logSoftmax(0), () => [X(4, 2, 3)]],
  ["reshape with -1", (a) => a!.reshape(-1, 2).mul(a!.reshape(6, 2)), () => [X(3, 4)]],
  ["view", (a) => a!.view(2, 6).exp(), () => [X(3, 4)]],
  ["transpose", (a) => a!.transpose(0, 2), () => [X(2, 3, 4)]],
  ["permute", (a) => a!.permute(2, 0, 1), () => [X(2, 3, 4)]],
  ["T", (a) => a!.T, () => [X(3, 4)]],
  ["flatten", (a) => a!.flatten(1).pow(2), () => [X(2, 3, 4)]],
  ["unsqueeze/squeeze", (a) => a!.unsqueeze(1).squeeze(1).squeeze().mul(a!), () => [X(3, 4)]],
  ["expand", (a) => a!.expand(2, 3, 4), () => [X(3, 1)]],
  ["index", (a) => a!.index(-1), () => [X(3, 4)]],
  ["slice", (a) => a!.slice(1, 3), () => [X(4, 2)]],
  ["indexSelect with repeats", (a) => a!.indexSelect(0, [2, 0, 2]), () => [X(3, 4)]],
  ["indexSelect dim 1", (a) => a!.indexSelect(1, tensor([1, 1, 0])), () => [X(2, 3)]],
  ["gather dim 1", (a) => a!.gather(1, tensor([[0, 2], [1, 1], [2, 0]])), () => [X(3, 3)]],
  ["gather dim 0", (a) => a!.gather(0, tensor([[1, 0, 1]])), () => [X(2, 3)]],
  ["clone", (a) => a!.clone().mul(a!), () => [X(4)]],
  ["cat", (a, b) => cat([a!, b!, a!], 1), () => [X(2, 3), X(2, 2)]],
  ["stack", (a, b) => stack([a!, b!], 1), () => [X(2, 3), X(2, 3)]],
  ["stack last dim", (a, b) => stack([a!, b!, a!], -1), () => [X(2, 3), X(2, 3)]],
  ["conv2d padding + bias", (x, w, b) => conv2d(x!, w!, b!, { padding: 1 }), () => [X(2, 2, 5, 5), X(3, 2, 3, 3), X(3)]],
  ["conv2d stride 2, rectangular kernel", (x, w) => conv2d(x!, w!, null, { stride: [2, 1], padding: [0, 1] }), () => [X(1, 2, 6, 5), X(2, 2, 3, 2)]],
  ["maxPool2d", (x) => maxPool2d(x!, 2), () => [X(2, 2, 4, 4)]],
  ["maxPool2d overlapping, padded", (x) => maxPool2d(x!, 3, 2, 1), () => [X(1, 2, 5, 5)]],
  ["dropout (fixed seed)", (x) => { manualSeed(7); return dropout(x!, 0.3); }, () => [X(4, 5)]],
];

describe("gradients match central finite differences (float64)", () => {
  for (const [name, fn, make] of CASES) {
    it(name, () => {
      manualSeed(42);
      const r = gradcheck(fn, make());
      expect(r.worst, r.where).toBeLessThanOrEqual(1e-6);
    });
  }

  it("the check itself catches a wrong gradient", () => {
    manualSeed(1);
    // d/dx of x*x via a detached copy on one side: autograd sees only half the derivative.
    const r = gradcheck((a) => a!.mul(a!.detach()), [X(4)]);
    expect(r.ok).toBe(false);
  });
});

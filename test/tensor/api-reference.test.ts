// The API-breadth ops (in-place ops, clamp, …): values and gradients against PyTorch 1.13
// (test/fixtures/torch_api_reference.py), and gradients against finite differences in float64.
import { describe } from "vitest";
import { arange, tensor, zeros, type Tensor } from "../../src/tensor/index.js";
import * as F from "../../src/nn/functional.js";
import { itMatchesFixture, loadFixture } from "./torch-fixture.js";

const fixture = { cases: loadFixture("torch_api_reference.json") };

type Expr = (...inputs: Tensor[]) => Tensor;

// The expressions of torch_api_reference.py, line by line.
const EXPRESSIONS: Record<string, Expr> = {
  inplace_binary: (x, w, b) => {
    const y = x!.mul(1.5);
    y.mul_(w!);
    y.add_(b!, { alpha: 2 });
    y.sub_(w!);
    y.div_(b!.abs().add(1));
    y.clamp_(-1, 1.5);
    y.pow_(2);
    return y.mul(w!).sum();
  },
  inplace_unary: (x) => {
    const y = x!.mul(1);
    y.tanh_();
    const z = y.mul(2);
    z.abs_();
    z.add_(1);
    z.sqrt_();
    const w = z.neg();
    w.exp_();
    return w.sum();
  },
  inplace_copy_fill: (x, w) => {
    const y = x!.mul(2);
    const u = x!.add(0);
    u.fill_(3);
    const z = zeros([2, 3], { dtype: x!.dtype });
    z.copy_(w!);
    return y.relu_().mul(z).sum().add(u.mul(x!).sum());
  },
  clamp: (x) => x!.clamp(-0.5, 0.8).mul(x!).sum().add(x!.clamp(0.1).sum()).add(x!.clamp(null, -0.2).pow(2).sum()),
  cross_entropy_nd: (x, t, w) =>
    F.crossEntropy(x!, t!)
      .add(F.crossEntropy(x!, t!, { reduction: "none" }).pow(2).sum().mul(0.1))
      .add(F.crossEntropy(x!, t!, { weight: w!, labelSmoothing: 0.2 }))
      .add(F.nllLoss(F.logSoftmax(x!, 1), t!, { weight: w!, ignoreIndex: 1, reduction: "sum" })),
  cross_entropy_4d: (x, t, p) =>
    F.crossEntropy(x!, t!, { reduction: "sum" })
      .add(F.crossEntropy(x!, p!.softmax(1)))
      .add(F.crossEntropy(x!.index(0).permute(1, 2, 0).index(0).index(0), t!.index(0).index(0).index(0))),
  index_basic: (x) =>
    x!.get(":", 1).mul(2).pow(2).sum()
      .add(x!.get("1:3", "::2").exp().sum())
      .add(x!.get("...", -1).sum().mul(3))
      .add(x!.get(null, 0).tanh().sum())
      .add(x!.get(0, ":", "2:4").mul(x!.get(2, ":", "1:3")).sum())
      .add(x!.get(-1, 2, 3).mul(5)),
  index_advanced: (x, c, X, y, i, j) => {
    const probs = x!.get(":", ":", 0).softmax(1);
    const emb = c!.get(X!);
    return probs.get(arange(3), y!).log().mean().neg()
      .add(emb.pow(2).sum())
      .add(emb.sum(-1).mul(X!).sum())
      .add(x!.get(i!, 0, j!).pow(2).sum())
      .add(x!.get(":", i!).sum(0).pow(2).sum())
      .add(x!.get(i!, ":", j!).pow(3).sum())
      .add(c!.get([0, 0, 4]).sum());
  },
  index_put: (x, v, w) => {
    const y = x!.mul(1);
    y.set(":", 1, v!);
    y.set(tensor([0, 2]), 0.5);
    y.set(0, "1:3", v!.get(":2").mul(2));
    y.set("...", -1, y.get("...", 0).mul(3));
    return y.pow(2).mul(w!).sum();
  },
  masked_select: (x) => x!.maskedSelect(x!.gt(0)).pow(2).sum().add(x!.maskedSelect(x!.abs().lt(0.5)).sum()),
  functional_misc: (x, w, b, t) => {
    const h = F.linear(x!, w!, b!);
    return F.mseLoss(F.relu(h), t!)
      .add(F.mseLoss(F.sigmoid(h), t!, { reduction: "sum" }))
      .add(F.softmax(h, 1).mul(F.tanh(h)).sum())
      .add(F.logSoftmax(h, 0).sum());
  },
};

describe("API-breadth ops match PyTorch 1.13 and finite differences", () => {
  itMatchesFixture(fixture.cases, EXPRESSIONS);
});

// Second-order gradients: autograd.grad and backward({ createGraph }) against PyTorch 1.13
// (test/fixtures/torch_autograd_reference.py) and against finite differences of the first-order
// gradient in float64; the errors a learner meets on the way.
import { describe, expect, it } from "vitest";
import {
  ArgumentError, AutogradError, autograd, cat, enableGrad, linear, manualSeed, maxPool2d, noGrad, randn, stack, tensor, where, type Tensor,
} from "../../src/tensor/index.js";
import * as F from "../../src/nn/functional.js";
import { expectClose, itMatchesFixture, loadFixture } from "./torch-fixture.js";

const fixture = { cases: loadFixture("torch_autograd_reference.json") };

type Expr = (...inputs: Tensor[]) => Tensor;

/** torch.autograd.grad(y, x, create_graph=True)[0]. */
const grad1 = (y: Tensor, x: Tensor): Tensor => autograd.grad(y, x, { createGraph: true })[0]!;

// The expressions of torch_autograd_reference.py, line by line.
const EXPRESSIONS: Record<string, Expr> = {
  poly_second: (x) => {
    const y = x!.pow(4).mul(3).sub(x!.pow(3).mul(2)).add(x!.pow(2).mul(0.5)).add(x!).sub(5).sum();
    return grad1(y, x!).sum();
  },
  tanh_second: (x) => grad1(x!.tanh().sum(), x!).sum(),
  exp_second: (x) => grad1(x!.mul(0.5).exp().sum().add(x!.mul(x!).neg().exp().sum()), x!).sum(),
  third_order: (x) => {
    const g1 = grad1(x!.pow(5).add(x!.tanh().mul(2)).sum(), x!);
    const g2 = grad1(g1.sum(), x!);
    return g2.sum();
  },
  elementwise_second: (x, y) => {
    const f = x!.sigmoid().mul(y!).sum()
      .add(x!.abs().add(1).sqrt().log().sum())
      .add(x!.div(y!.mul(y!).add(1)).sum())
      .add(x!.mul(x!).add(1).pow(y!.mul(0.5)).sum())
      .add(x!.maximum(y!).pow(2).sum())
      .add(x!.clamp(-0.5, 0.5).pow(3).sum())
      .add(x!.relu().pow(3).sum())
      .add(x!.sub(y!).pow(2).mean());
    const [gx, gy] = autograd.grad(f, [x!, y!], { createGraph: true });
    return gx!.mul(gx!).sum().add(gy!.mul(gy!).mul(x!).sum());
  },
  shapes_second: (x, w) => {
    const f = x!.matmul(w!).tanh().sum()
      .add(x!.T.matmul(x!.sigmoid()).pow(2).sum().mul(0.1))
      .add(x!.reshape(-1).pow(3).sum())
      .add(x!.permute(1, 0).unsqueeze(0).expand(2, 4, 3).mul(w!.get(":", 0).unsqueeze(1)).pow(2).sum())
      .add(x!.var(1).sum())
      .add(x!.std(0).sum())
      .add(x!.matmul(w!.get(":", 1)).exp().sum());
    const [gx, gw] = autograd.grad(f, [x!, w!], { createGraph: true });
    return gx!.pow(2).sum().add(gw!.mul(w!).sum());
  },
  softmax_second: (x, w) => {
    const f = F.softmax(x!, 1).mul(w!).sum().add(F.logSoftmax(x!, 0).mul(w!).pow(2).sum());
    const g = grad1(f, x!);
    return g.mul(g).sum();
  },
  indexing_second: (x) => {
    const y = x!.mul(1);
    y.set(":", 2, x!.get(":", 0).mul(2));
    const f = x!.get(":", 1).pow(3).sum()
      .add(x!.get([0, 2]).tanh().sum())
      .add(x!.get("1:3", "::2").exp().sum())
      .add(x!.index(0).pow(2).sum())
      .add(x!.slice(1, 3).pow(3).sum())
      .add(cat([x!, x!.mul(2)], 1).pow(3).sum())
      .add(stack([x!.get(0), x!.get(3)], 1).sigmoid().sum())
      .add(x!.gather(1, tensor([[0, 1], [2, 0], [4, 4], [1, 3]])).pow(2).sum())
      .add(x!.indexSelect(0, [1, 3, 1]).pow(3).sum())
      .add(x!.maskedSelect(x!.gt(0)).pow(3).sum())
      .add(y.pow(3).sum())
      .add(x!.max(1).values.pow(3).sum())
      .add(x!.min(0, true).values.exp().sum())
      .add(x!.pow(2).max().mul(x!.min()));
    const g = grad1(f, x!);
    return g.mul(g).sum();
  },
  misc_second: (x, w, b, t) => {
    const y = x!.mul(1);
    y.mul_(x!);
    y.add_(b!);
    const h = x!.unsqueeze(0).expand(2, 3, 4).matmul(w!).flatten(0, 1).view(3, 2, 2).squeeze();
    const f = h.pow(2).sum()
      .add(x!.get(0).matmul(w!).exp().sum())
      .add(x!.minimum(b!).pow(2).sum())
      .add(x!.to("float64").to(x!.dtype).clone().tanh().sum())
      .add(y.sigmoid().sum())
      .add(F.mseLoss(x!.matmul(w!), t!))
      .add(F.crossEntropy(x!.matmul(w!), t!.argmax(1), { labelSmoothing: 0.1 }))
      .add(F.nllLoss(F.logSoftmax(x!.matmul(w!), 1), t!.argmax(1), { reduction: "sum" }));
    const [gx, gw] = autograd.grad(f, [x!, w!], { createGraph: true });
    return gx.mul(gx).sum().add(gw.pow(3).sum());
  },
  group10_second: (x, w, W, X) => {
    const cond = x!.gt(0.2);
    const xx = x!.matmul(x!.T);
    let f = x!.sin().mul(x!.cos()).sum()
      .add(F.gelu(x!).mul(w!).sum())
      .add(F.gelu(x!, { approximate: "tanh" }).pow(2).sum())
      .add(where(cond, x!.mul(x!), x!.exp()).sum())
      .add(x!.maskedFill(cond, -3.5).pow(3).sum())
      .add(xx.tril().pow(2).sum())
      .add(xx.triu(1).sum())
      .add(x!.topk(2).values.pow(3).sum())
      .add(x!.logsumexp(1).sum())
      .add(x!.norm())
      .add(x!.norm(1, 1).pow(2).sum())
      .add(x!.norm(Infinity, 0).sum())
      .add(x!.norm(3, 1).sum())
      .add(F.embedding(X!.long(), W!).pow(3).sum())
      .add(F.embedding(X!.long(), W!, { paddingIdx: 1 }).tanh().sum())
      .add(F.layerNorm(x!, [4], w!.get(0), w!.get(1)).pow(3).sum());
    x!.split(2, 1).forEach((c, i) => {
      f = f.add(c.pow(2).sum().mul(i + 1));
    });
    const [gx, gw, gW] = autograd.grad(f, [x!, w!, W!], { createGraph: true });
    return gx.mul(gx).sum().add(gw.mul(gw).sum()).add(gW.mul(gW).sum());
  },
  hvp_mlp: (W1, b1, W2, X, t, v1, v2, v3) => {
    const logits = F.linear(F.linear(X!, W1!, b1!).tanh(), W2!);
    const loss = F.crossEntropy(logits, t!);
    const [g1, g2, g3] = autograd.grad(loss, [W1!, b1!, W2!], { createGraph: true });
    return g1!.mul(v1!).sum().add(g2!.mul(v2!).sum()).add(g3!.mul(v3!).sum());
  },
  gradient_penalty: (x, W1, b1, W2, b2) => {
    const out = F.linear(F.linear(x!, W1!, b1!).tanh(), W2!, b2!);
    const [gx] = autograd.grad(out.sum(), x!, { createGraph: true });
    const gp = gx!.pow(2).sum(1).add(1e-12).sqrt().sub(1).pow(2).mean();
    return out.mean().add(gp.mul(10));
  },
};

describe("second-order gradients match PyTorch 1.13 and finite differences", () => {
  // gradcheck evaluates the function under noGrad; the first-order gradient inside needs a graph.
  const inGradMode = Object.fromEntries(Object.entries(EXPRESSIONS).map(([k, f]) => [k, (...xs: Tensor[]) => enableGrad(() => f(...xs))]));
  // Finite differences of a gradient (of x⁵, e^x, …) lose more digits than those of a value.
  itMatchesFixture(fixture.cases, inGradMode, { gradcheckTol: 1e-5 });
});

describe("second derivatives in closed form", () => {
  const xs = [-1.5, -0.3, 0, 0.4, 2];

  it("d²/dx² of a polynomial, tanh and exp", () => {
    const x = tensor(xs, { dtype: "float64", requiresGrad: true });
    const second = (f: (x: Tensor) => Tensor): number[] => {
      const g = grad1(f(x).sum(), x);
      return autograd.grad(g.sum(), x)[0]!.tolist() as number[];
    };
    expect(second((v) => v.pow(3).mul(2).sub(v.mul(v).mul(5)))).toEqual(xs.map((v) => 12 * v - 10));
    const t = xs.map(Math.tanh);
    expectClose(second((v) => v.tanh()), t.map((v) => -2 * v * (1 - v * v)), 1e-14, "tanh''");
    expectClose(second((v) => v.mul(3).exp()), xs.map((v) => 9 * Math.exp(3 * v)), 1e-14, "exp(3x)''");
  });

  it("backward({ createGraph }) leaves a .grad with a gradFn that can be differentiated again", () => {
    const x = tensor([0.5, -1], { dtype: "float64", requiresGrad: true });
    x.pow(3).sum().backward({ createGraph: true }); // PyTorch's backward(create_graph=True)
    const g = x.grad!;
    expect(g.tolist()).toEqual([0.75, 3]);
    expect(g.requiresGrad).toBe(true);
    expect(g.gradFn).not.toBeNull();
    x.grad = null;
    g.sum().backward();
    expect(x.grad!.tolist()).toEqual([3, -6]); // 6x
  });

  it("under createGraph two leaves fed by one gradient get .grads of their own", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    a.add(b).mul(2).sum().backward(null, { createGraph: true });
    expect(a.grad).not.toBe(b.grad);
    noGrad(() => a.grad!.zero_());
    expect(b.grad!.tolist()).toEqual([2, 2]);
  });

  it("a second createGraph backward adds into .grad out of place, staying in the graph", () => {
    const x = tensor([2], { dtype: "float64", requiresGrad: true });
    x.pow(2).sum().backward(null, { createGraph: true });
    x.pow(3).sum().backward({ createGraph: true }); // PyTorch's backward(create_graph=True)
    const g = x.grad!; // 2x + 3x²
    expect(g.item()).toBe(16);
    x.grad = null;
    g.backward();
    expect(x.grad!.item()).toBe(14); // 2 + 6x
  });

  it("keeps the graph by default under createGraph (retainGraph follows createGraph, as PyTorch)", () => {
    const x = tensor([1, 2], { dtype: "float64", requiresGrad: true });
    const y = x.exp().sum();
    autograd.grad(y, x, { createGraph: true });
    expect(autograd.grad(y, x)[0]!.tolist()).toEqual([Math.exp(1), Math.exp(2)]);
    expect(() => autograd.grad(y, x)).toThrow(/backward through the graph a second time/);
  });
});

describe("second order through the fused float32 Linear", () => {
  it("on 2-D, 3-D and 4-D inputs gives the float64 reference composition's Hessian-vector product", () => {
    manualSeed(3);
    const W0 = randn([3, 4], { dtype: "float64" });
    const b0 = randn([3], { dtype: "float64" });
    const v = randn([3, 4], { dtype: "float64" });
    for (const shape of [[5, 4], [2, 5, 4], [2, 2, 3, 4]]) {
      const x0 = randn(shape, { dtype: "float64" });
      const hvp = (dtype: "float32" | "float64"): number[] => {
        const W = W0.to(dtype).detach().requiresGrad_();
        const x = x0.to(dtype).detach().requiresGrad_();
        const loss = linear(x, W, b0.to(dtype)).tanh().pow(2).sum();
        const [gW] = autograd.grad(loss, W, { createGraph: true });
        const [hv] = autograd.grad(gW.mul(v.to(dtype)).sum(), W);
        return Array.from(hv.data);
      };
      expectClose(hvp("float32"), hvp("float64"), 1e-4, `shape ${shape.join("x")}`);
    }
  });
});

describe("autograd.grad", () => {
  it("returns gradients without touching .grad, detached unless createGraph", () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const w = tensor([4, 5, 6], { requiresGrad: true });
    const [gx, gw] = autograd.grad(x.mul(w).sum(), [x, w]);
    expect(gx!.tolist()).toEqual([4, 5, 6]);
    expect(gw!.tolist()).toEqual([1, 2, 3]);
    expect(gx!.requiresGrad).toBe(false);
    expect(x.grad).toBeNull();
    expect(w.grad).toBeNull();
  });

  it("is typed as a tuple of the inputs' length (Tensor | null with allowUnused)", () => {
    const w = tensor([1], { requiresGrad: true });
    const b = tensor([2], { requiresGrad: true });
    const [gw, gb]: [Tensor, Tensor] = autograd.grad(w.mul(b).sum(), [w, b]);
    const [gu]: [Tensor | null] = autograd.grad(w.sum(), [b], { allowUnused: true });
    const [single]: [Tensor] = autograd.grad(w.mul(3).sum(), w);
    expect([gw.item(), gb.item(), gu, single.item()]).toEqual([2, 1, null, 3]);
  });

  it("gives the gradient of a non-leaf input, and runs only the part of the graph it needs", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3);
    // The maxPool2d branch does not lead to h: it never runs, so its lack of createGraph support is no matter.
    const side = maxPool2d(x.reshape(1, 1, 1, 2), [1, 2]).sum();
    const y = h.pow(2).sum().add(side);
    const [gh] = autograd.grad(y, h, { createGraph: true });
    expect(gh!.tolist()).toEqual([6, 12]);
  });

  it("takes gradOutputs for a non-scalar output (a vector-Jacobian product), several outputs summed", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const [g] = autograd.grad([x.mul(x), x.sum()], x, { gradOutputs: [tensor([1, 10]), null] });
    expect(g!.tolist()).toEqual([3, 41]); // 2x·v + 1
  });

  it("allowUnused gives null for an input the outputs do not depend on; without it, an error names the input", () => {
    const x = tensor([1], { requiresGrad: true });
    const z = tensor([1], { requiresGrad: true });
    expect(autograd.grad(x.mul(2).sum(), [x, z], { allowUnused: true })).toEqual([expect.anything(), null]);
    expect(() => autograd.grad(x.mul(2).sum(), [x, z])).toThrow(/inputs\[1\] appears not to have been used.*allowUnused/);
  });

  it("names the argument that is wrong", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const c = tensor([1, 2]);
    expect(() => autograd.grad(x.sum(), [x, c])).toThrow(AutogradError);
    expect(() => autograd.grad(x.sum(), [x, c])).toThrow(/inputs\[1\] does not require grad/);
    expect(() => autograd.grad(c.sum(), x)).toThrow(/outputs\[0\].*does not require grad/);
    expect(() => autograd.grad(x.mul(2), x)).toThrow(/outputs\[0\].*implicitly created only for scalar outputs/);
    expect(() => autograd.grad(x.sum(), x, { gradOutputs: [tensor(1), tensor(1)] })).toThrow(/gradOutputs has 2 entries but there are 1 outputs/);
    expect(() => autograd.grad(x.sum(), x, { create_graph: true } as never)).toThrow(ArgumentError);
    expect(() => autograd.grad(x.sum(), [])).toThrow(/inputs is empty/);
    expect(() => x.sum().backward(null, { creatGraph: true } as never)).toThrow(/backward: unknown option "creatGraph"/);
    expect(() => x.sum().backward({ creatGraph: true } as never)).toThrow(/backward: unknown option "creatGraph"/);
    expect(() => x.sum().backward({} as never, {})).toThrow(/backward: pass \(gradient, options\) or \(options\)/);
  });
});

describe("ops whose backward is not differentiable", () => {
  it("refuse createGraph with an error naming the op, instead of a wrong second derivative", () => {
    const x = tensor([[1, 5, 2, 3]], { dtype: "float64", requiresGrad: true });
    const y = maxPool2d(x.reshape(1, 1, 2, 2), 2).sum();
    expect(() => autograd.grad(y, x, { createGraph: true })).toThrow(AutogradError);
    expect(() => maxPool2d(x.reshape(1, 1, 2, 2), 2).sum().backward(null, { createGraph: true }))
      .toThrow(/MaxPool2DWithIndicesBackward0: the backward of this op is not differentiable/);
    // Without createGraph the same graph backpropagates as before.
    expect(autograd.grad(maxPool2d(x.reshape(1, 1, 2, 2), 2).sum(), x)[0]!.tolist()).toEqual([[0, 1, 0, 0]]);
  });
});

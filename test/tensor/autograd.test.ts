// Autograd semantics a learner carries over to PyTorch unchanged.
import { describe, expect, it } from "vitest";
import {
  AutogradError, ShapeError, cat, dropout, enableGrad, isGradEnabled, maxPool2d, noGrad, ones, stack, tensor, zeros,
  type Tensor,
} from "../../src/tensor/index.js";

describe("gradient accumulation", () => {
  it("adds into .grad across backward calls until cleared", () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    w.mul(2).sum().backward();
    expect(w.grad!.tolist()).toEqual([2, 2, 2]);
    w.mul(3).sum().backward();
    expect(w.grad!.tolist()).toEqual([5, 5, 5]);
    w.grad = null;
    w.mul(3).sum().backward();
    expect(w.grad!.tolist()).toEqual([3, 3, 3]);
    w.grad!.zero_();
    w.sum().backward();
    expect(w.grad!.tolist()).toEqual([1, 1, 1]);
  });

  it("sums the gradients of a tensor used several times", () => {
    const x = tensor([2], { requiresGrad: true });
    const y = x.mul(x).add(x.mul(3)); // dy/dx = 2x + 3
    y.backward();
    expect(x.grad!.item()).toBe(7);
  });

  it("gives .grad only to leaves, unless retainGrad()", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(2);
    const k = h.mul(3);
    k.retainGrad();
    k.sum().backward();
    expect(h.grad).toBeNull();
    expect(k.grad!.tolist()).toEqual([1, 1]);
    expect(x.grad!.tolist()).toEqual([6, 6]);
    expect(x.isLeaf).toBe(true);
    expect(h.isLeaf).toBe(false);
  });

  it("gives gradients in the input's own dtype", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { dtype: "float64", requiresGrad: true });
    const y = a.mul(b);
    expect(y.dtype).toBe("float64");
    y.sum().backward();
    expect(a.grad!.dtype).toBe("float32");
    expect(b.grad!.dtype).toBe("float64");
  });

  it("never makes .grad itself require grad, and the first .grad is a copy", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const g = tensor([5, 6]);
    x.mul(1).backward(g);
    expect(x.grad!.requiresGrad).toBe(false);
    g.data[0] = 100;
    expect(x.grad!.tolist()).toEqual([5, 6]);
  });
});

describe("graph freeing", () => {
  it("throws on a second backward through a freed graph, naming retainGraph", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/backward through the graph a second time.*retainGraph: true/);
  });

  it("with retainGraph the second backward works and doubles the gradient", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward(undefined, { retainGraph: true });
    const once = x.grad!.tolist();
    y.backward();
    expect(x.grad!.tolist()).toEqual((once as number[]).map((v) => 2 * v));
    expect(() => y.backward()).toThrow(AutogradError);
  });

  it("like PyTorch, a graph that saved nothing may be walked again; one that saved a scalar may not", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.add(1).sum();
    y.backward();
    y.backward();
    expect(x.grad!.tolist()).toEqual([2, 2]);
    const z = x.mul(2).sum();
    z.backward();
    expect(() => z.backward()).toThrow(/second time/);
  });
});

describe("backward argument checks", () => {
  it("needs a gradient for a non-scalar output", () => {
    const y = tensor([1, 2], { requiresGrad: true }).mul(2);
    expect(() => y.backward()).toThrow(/grad can be implicitly created only for scalar outputs.*\(2\)/);
    y.backward(tensor([1, 10]));
  });

  it("checks the gradient's shape", () => {
    const y = tensor([1, 2], { requiresGrad: true }).mul(2);
    expect(() => y.backward(ones(3))).toThrow(ShapeError);
  });

  it("refuses a tensor that does not require grad", () => {
    expect(() => tensor([1]).backward()).toThrow(/does not require grad/);
    const x = tensor([1], { requiresGrad: true });
    const y = noGrad(() => x.mul(2));
    expect(() => y.backward()).toThrow(AutogradError);
  });

  it("backward on a leaf accumulates into itself", () => {
    const x = tensor(3, { requiresGrad: true });
    x.backward();
    expect(x.grad!.item()).toBe(1);
  });
});

describe("noGrad / enableGrad", () => {
  it("records no graph under noGrad, and restores the mode after", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return x.mul(2).exp().sum();
    });
    expect(isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(y.isLeaf).toBe(true);
  });

  it("restores the mode when the block throws", () => {
    expect(() =>
      noGrad(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(isGradEnabled()).toBe(true);
  });

  it("enableGrad re-enables recording inside noGrad", () => {
    const x = tensor([1], { requiresGrad: true });
    const y = noGrad(() => enableGrad(() => x.mul(2)));
    expect(y.gradFn).toBe("MulBackward0");
  });
});

describe("requiresGrad, gradFn, detach", () => {
  it("propagates requiresGrad and names the node like PyTorch", () => {
    const a = tensor([[1, 2]], { requiresGrad: true });
    const b = tensor([[3], [4]]);
    expect(a.add(1).gradFn).toBe("AddBackward0");
    expect(a.matmul(b).gradFn).toBe("MmBackward0");
    expect(a.sum().gradFn).toBe("SumBackward0");
    expect(b.mul(2).requiresGrad).toBe(false);
    expect(a.gradFn).toBeNull();
  });

  it("only leaves may change requiresGrad", () => {
    const a = zeros(2).requiresGrad_();
    expect(a.requiresGrad).toBe(true);
    const b = a.mul(2);
    expect(() => (b.requiresGrad = false)).toThrow(/only change requiresGrad flags of leaf tensors/);
    expect(() => (b.requiresGrad = true)).toThrow(AutogradError);
    expect(b.requiresGrad_()).toBe(b);
    expect(() => b.requiresGrad_(false)).toThrow(AutogradError);
    a.requiresGrad_(false);
    expect(a.requiresGrad).toBe(false);
  });

  it("detach shares storage and cuts the graph", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const d = a.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    const e = a.detach();
    e.data[0] = 9;
    expect(a.data[0]).toBe(9);
  });

  it("refuses in-place changes of a leaf that requires grad unless under noGrad", () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => w.fill_(0)).toThrow(/in-place/);
    noGrad(() => w.fill_(0.5));
    expect(w.tolist()).toEqual([0.5, 0.5]);
  });
});

describe("hooks", () => {
  it("a leaf hook sees the summed gradient once and may replace it", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const seen: number[][] = [];
    x.registerHook((g) => {
      seen.push(g.tolist() as number[]);
      return g.mul(10);
    });
    x.mul(2).add(x).sum().backward();
    expect(seen).toEqual([[3, 3]]);
    expect(x.grad!.tolist()).toEqual([30, 30]);
  });

  it("a non-leaf hook changes what flows further; remove() unregisters it", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3);
    const handle = h.registerHook((g) => g.mul(0));
    h.sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 0]);
    handle.remove();
    x.grad = null;
    const h2 = x.mul(3);
    h2.sum().backward();
    expect(x.grad!.tolist()).toEqual([3, 3]);
  });

  it("refuses a hook on a tensor that does not require grad", () => {
    expect(() => tensor([1]).registerHook(() => undefined)).toThrow(AutogradError);
  });
});

describe("broadcasting in backward", () => {
  it("sums broadcast gradients back to each input's shape", () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true }); // (2x3)
    const b = tensor([10, 20, 30], { requiresGrad: true }); // (3)
    const c = tensor([[1], [2]], { requiresGrad: true }); // (2x1)
    a.add(b).mul(c).sum().backward();
    expect(b.grad!.tolist()).toEqual([3, 3, 3]);
    expect(c.grad!.tolist()).toEqual([[66], [75]]);
    expect(a.grad!.tolist()).toEqual([[1, 1, 1], [2, 2, 2]]);
  });
});

describe("deep graphs", () => {
  it("backward through 20,000 chained ops does not overflow the stack", () => {
    const x = tensor([1], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 20_000; i++) y = y.add(0);
    y.sum().backward();
    expect(x.grad!.item()).toBe(1);
  });
});

describe("gradFn names are PyTorch 1.13's", () => {
  // Names printed by torch 1.13 for the same expressions (v: 3, m: 3x3, b: 2x3x3, all requiring grad).
  const v = ones([3], { requiresGrad: true });
  const m = ones([3, 3], { requiresGrad: true });
  const b = ones([2, 3, 3], { requiresGrad: true });
  const cases: [string, () => Tensor, string][] = [
    ["v@v", () => v.matmul(v), "DotBackward0"],
    ["m@v", () => m.matmul(v), "MvBackward0"],
    ["v@m", () => v.matmul(m), "SqueezeBackward3"],
    ["m@m", () => m.matmul(m), "MmBackward0"],
    ["b@m", () => b.matmul(m), "UnsafeViewBackward0"],
    ["m.T", () => m.T, "PermuteBackward0"],
    ["m.transpose(0,1)", () => m.transpose(0, 1), "TransposeBackward0"],
    ["m.reshape(9)", () => m.reshape(9), "ReshapeAliasBackward0"],
    ["m.view(9)", () => m.view(9), "ViewBackward0"],
    ["m.flatten()", () => m.flatten(), "ReshapeAliasBackward0"],
    ["m[0]", () => m.index(0), "SelectBackward0"],
    ["m[1:2]", () => m.slice(1, 2), "SliceBackward0"],
    ["m.unsqueeze(0)", () => m.unsqueeze(0), "UnsqueezeBackward0"],
    ["m.squeeze()", () => m.squeeze(), "SqueezeBackward0"],
    ["m.squeeze(0)", () => m.squeeze(0), "SqueezeBackward1"],
    ["m.expand(2,3,3)", () => m.expand(2, 3, 3), "ExpandBackward0"],
    ["m.max()", () => m.max(), "MaxBackward1"],
    ["m.max(0).values", () => m.max(0).values, "MaxBackward0"],
    ["m.min()", () => m.min(), "MinBackward1"],
    ["m.clone()", () => m.clone(), "CloneBackward0"],
    ["m.permute(1,0)", () => m.permute(1, 0), "PermuteBackward0"],
    ["m.sum(0)", () => m.sum(0), "SumBackward1"],
    ["m.mean(0)", () => m.mean(0), "MeanBackward1"],
    ["m.mean()", () => m.mean(), "MeanBackward0"],
    ["cat", () => cat([m, m]), "CatBackward0"],
    ["stack", () => stack([m, m]), "StackBackward0"],
    ["m.var()", () => m.var(), "VarBackward0"],
    ["m.std()", () => m.std(), "StdBackward0"],
    ["gather", () => m.gather(0, zeros(1, 3)), "GatherBackward0"],
    ["indexSelect", () => m.indexSelect(0, [0]), "IndexSelectBackward0"],
    ["m**2", () => m.pow(2), "PowBackward0"],
    ["m**m", () => m.pow(m), "PowBackward1"],
    ["maximum", () => m.maximum(m), "MaximumBackward0"],
    ["softmax", () => m.softmax(0), "SoftmaxBackward0"],
    ["logSoftmax", () => m.logSoftmax(0), "LogSoftmaxBackward0"],
    ["dropout", () => dropout(m, 0.5), "MulBackward0"],
    ["maxPool2d", () => maxPool2d(b.unsqueeze(0), 2), "MaxPool2DWithIndicesBackward0"],
    ["m*2", () => m.mul(2), "MulBackward0"],
    ["m/2", () => m.div(2), "DivBackward0"],
    ["m-1", () => m.sub(1), "SubBackward0"],
    ["-m", () => m.neg(), "NegBackward0"],
    ["m.abs()", () => m.abs(), "AbsBackward0"],
  ];
  for (const [expr, make, name] of cases) it(expr, () => expect(make().gradFn).toBe(name));
});

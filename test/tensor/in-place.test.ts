// In-place ops with PyTorch's rules: version counters, leaf checks, history of a modified tensor.
import { describe, expect, it } from "vitest";
import { allclose, manualSeed, noGrad, ones, rand, randn, RandomGenerator, tensor, zeros } from "../../src/tensor/index.js";
import { Linear } from "../../src/nn/index.js";

describe("in-place ops", () => {
  it("change the tensor itself, return it and bump its version (shared with views)", () => {
    const x = tensor([1, -2, 3]);
    const v = x.view(3, 1);
    const before = x._version;
    expect(x.add_(1)).toBe(x);
    expect(x.tolist()).toEqual([2, -1, 4]);
    x.mul_(tensor([2, 2, 2])).sub_(1, { alpha: 2 }).div_(2).clamp_(0, 2);
    expect(x.tolist()).toEqual([1, 0, 2]);
    expect(v.tolist()).toEqual([[1], [0], [2]]);
    expect(x._version).toBe(before + 5);
    expect(v._version).toBe(x._version);
    x.zero_();
    expect(x.tolist()).toEqual([0, 0, 0]);
    x.fill_(-Infinity).copy_(tensor([5]));
    expect(x.tolist()).toEqual([5, 5, 5]);
    expect(tensor([0.25, 4]).sqrt_().neg_().abs_().tolist()).toEqual([0.5, 2]);
  });

  it("hand-written SGD: noGrad(() => p.sub_(p.grad.mul(lr))) updates a leaf in place", () => {
    const layer = new Linear(2, 1);
    const w0 = layer.weight.tolist() as number[][];
    layer(tensor([[1, 2]])).sum().backward();
    noGrad(() => {
      for (const p of layer.parameters()) p.sub_(p.grad!.mul(0.1));
    });
    expect((layer.weight.tolist() as number[][])[0]![1]).toBeCloseTo(w0[0]![1]! - 0.1 * 2, 6);
    expect(layer.weight.isLeaf).toBe(true);
    expect(() => layer.weight.add_(1)).toThrow(
      /add_: a leaf Variable that requires grad is being used in an in-place operation; wrap the update in noGrad/,
    );
  });

  it("modifying a tensor saved for backward makes backward fail with PyTorch's message", () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true, dtype: "float64" });
    const e = x.exp();
    e.add_(1);
    expect(() => e.sum().backward()).toThrow(
      "one of the variables needed for gradient computation has been modified by an inplace operation: [torch.DoubleTensor [2, 3]], saved by ExpBackward0, is at version 1; expected version 0 instead.",
    );
    // An input saved by mul, changed afterwards.
    const a = tensor([1, 2], { requiresGrad: true });
    const b = a.mul(2);
    const c = b.mul(b);
    b.add_(1);
    expect(() => c.sum().backward()).toThrow(/saved by MulBackward0, is at version 1; expected version 0 instead/);
  });

  it("an in-place op on a tensor in a graph joins its history; ops that save nothing stay valid", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.add(0);
    y.mul_(3);
    expect(y.gradFn).toBe("MulBackward0");
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([3, 3]);
    // A constant made to depend on a parameter by an in-place op.
    const w = tensor([2, 5], { requiresGrad: true });
    const z = tensor([1, 1]);
    z.mul_(w);
    expect(z.requiresGrad).toBe(true);
    z.sum().backward();
    expect(w.grad!.tolist()).toEqual([1, 1]);
  });

  it("a view changed in place after backward's history was recorded is refused, not silently wrong", () => {
    const x = tensor([1, 2, 3, 4], { requiresGrad: true });
    const y = x.mul(2);
    const v = y.view(2, 2);
    y.add_(1);
    expect(() => v.sum().backward()).toThrow(/ViewBackward0: a view \(from view\/reshape\) or its base was modified by an inplace operation/);
  });

  it("shape errors name the op and both shapes", () => {
    expect(() => tensor([1, 2]).add_(tensor([[1, 2], [3, 4]]))).toThrow(/add_: output with shape \[2\] doesn't match the broadcast shape \[2, 2\]/);
    expect(() => tensor([1, 2]).copy_(tensor([1, 2, 3]))).toThrow(/copy_: shape \(3\) cannot be broadcast to \(2\)/);
    expect(() => tensor([1]).clamp_()).toThrow(/clamp: at least one of min and max must be given/);
    expect(() => tensor([1]).clamp(Number.NaN)).toThrow(/clamp: min must be a number/);
    expect(() => tensor([1]).copy_([1] as never)).toThrow(/copy_: src must be a Tensor/);
  });
});

describe("uniform_ and normal_ (random fills in place)", () => {
  it("draw what rand and randn draw from the same stream, in place, with a version bump", () => {
    manualSeed(5);
    const expectedU = rand([1000]);
    const expectedN = randn([1000]);
    manualSeed(5);
    const u = zeros(1000);
    const before = u._version;
    expect(u.uniform_()).toBe(u);
    expect(u._version).toBe(before + 1);
    expect([...u.data]).toEqual([...expectedU.data]);
    expect([...zeros(1000).normal_().data]).toEqual([...expectedN.data]);
  });

  it("scale to the range or the moments asked for, and follow a generator's seed", () => {
    const a = zeros(20000, { dtype: "float64" }).uniform_(-2, 3, { generator: new RandomGenerator().manualSeed(1) });
    expect(a.min().item()).toBeGreaterThanOrEqual(-2);
    expect(a.max().item()).toBeLessThan(3);
    expect(Math.abs(a.mean().item() - 0.5)).toBeLessThan(0.05);
    const n = zeros(20000, { dtype: "float64" }).normal_(1, 0.5, { generator: new RandomGenerator().manualSeed(2) });
    expect(Math.abs(n.mean().item() - 1)).toBeLessThan(0.02);
    expect(Math.abs(n.std().item() - 0.5)).toBeLessThan(0.02);
    const again = zeros(20000, { dtype: "float64" }).normal_(1, 0.5, { generator: new RandomGenerator().manualSeed(2) });
    expect(allclose(n, again, { rtol: 0, atol: 0 })).toBe(true);
  });

  it("follow the in-place rules: refused on a leaf that requires grad unless under noGrad; zero gradient in a graph", () => {
    const w = zeros(3, { requiresGrad: true });
    expect(() => w.uniform_()).toThrow(/uniform_: a leaf Variable that requires grad is being used in an in-place operation/);
    noGrad(() => w.normal_(0, 0.02));
    expect(w.requiresGrad).toBe(true);
    expect([...w.data].some((v) => v !== 0)).toBe(true);
    const x = ones(3, { requiresGrad: true });
    const y = x.mul(2);
    y.uniform_(5, 6);
    expect(y.gradFn).toBe("UniformBackward0");
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 0, 0]);
  });

  it("name what is wrong: an integer tensor, a reversed range, a negative std, an unknown option", () => {
    expect(() => zeros(2, { dtype: "int64" }).uniform_()).toThrow(/uniform_: not implemented for dtype int64/);
    expect(() => zeros(2).uniform_(1, 0)).toThrow(/uniform_: expects to return a \[from, to\) range, but found from=1 > to=0/);
    expect(() => zeros(2).normal_(0, -1)).toThrow(/normal_: expects std >= 0.0/);
    expect(() => zeros(2).normal_(0, 1, { seed: 3 } as never)).toThrow(/normal_: unknown option "seed"|normal_.*seed/);
  });
});

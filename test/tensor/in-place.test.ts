// In-place ops with PyTorch's rules: version counters, leaf checks, history of a modified tensor.
import { describe, expect, it } from "vitest";
import { noGrad, tensor } from "../../src/tensor/index.js";
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

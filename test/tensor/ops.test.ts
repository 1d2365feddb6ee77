// Forward values, shapes and error messages of the ops.
import { describe, expect, it } from "vitest";
import {
  ArgumentError, ShapeError, arange, cat, conv2d, dropout, manualSeed, maxPool2d, ones, randn, stack, tensor, zeros,
} from "../../src/tensor/index.js";

describe("broadcasting and dtypes", () => {
  it("broadcasts like NumPy and promotes float32 with float64", () => {
    const a = tensor([[1], [2]]);
    const b = tensor([10, 20, 30], { dtype: "float64" });
    const c = a.add(b);
    expect(c.shape).toEqual([2, 3]);
    expect(c.dtype).toBe("float64");
    expect(c.tolist()).toEqual([[11, 21, 31], [12, 22, 32]]);
    expect(tensor([1, 2]).mul(2).dtype).toBe("float32");
  });

  it("names both shapes when broadcasting fails", () => {
    expect(() => zeros(2, 3).add(zeros(4, 3))).toThrow(ShapeError);
    expect(() => zeros(2, 3).mul(zeros(2))).toThrow("mul: shapes (2x3) and (2) cannot be broadcast together");
  });

  it("rejects non-tensor operands by name", () => {
    expect(() => zeros(2).add("1" as never)).toThrow(/add: other must be a Tensor or a number/);
  });
});

describe("matmul", () => {
  it("follows torch.matmul's shapes", () => {
    expect(zeros(3).matmul(zeros(3)).shape).toEqual([]);
    expect(zeros(2, 3).matmul(zeros(3)).shape).toEqual([2]);
    expect(zeros(3).matmul(zeros(3, 4)).shape).toEqual([4]);
    expect(zeros(5, 2, 3).matmul(zeros(3, 4)).shape).toEqual([5, 2, 4]);
    expect(zeros(5, 1, 2, 3).matmul(zeros(6, 3, 4)).shape).toEqual([5, 6, 2, 4]);
    expect(tensor([[1, 2], [3, 4]]).matmul(tensor([[5], [6]])).tolist()).toEqual([[17], [39]]);
  });

  it("names both shapes when they cannot be multiplied", () => {
    expect(() => zeros(64, 10).matmul(zeros(20, 5))).toThrow("matmul: shapes (64x10) and (20x5) cannot be multiplied");
    expect(() => zeros(2, 3, 4).matmul(zeros(5, 4, 2))).toThrow(/cannot be broadcast/);
    expect(() => tensor(1).matmul(zeros(2))).toThrow(ArgumentError);
  });
});

describe("reductions", () => {
  const x = tensor([[1, 5, 3], [4, 2, 6]]);
  it("sum and mean over dims, with keepdim", () => {
    expect(x.sum().item()).toBe(21);
    expect(x.sum(0).tolist()).toEqual([5, 7, 9]);
    expect(x.sum(1, true).shape).toEqual([2, 1]);
    expect(x.sum([0, 1]).shape).toEqual([]);
    expect(x.mean(1).tolist()).toEqual([3, 4]);
  });

  it("max/min with indices, argmax, and dim errors", () => {
    const m = x.max(1);
    expect(m.values.tolist()).toEqual([5, 6]);
    expect(m.indices.tolist()).toEqual([1, 2]);
    expect(x.min(0).indices.tolist()).toEqual([0, 1, 0]);
    expect(x.max().item()).toBe(6);
    expect(x.argmax().item()).toBe(5);
    expect(x.argmax(1).tolist()).toEqual([1, 2]);
    expect(() => x.sum(2)).toThrow("sum: dim 2 is out of range for a tensor with 2 dimensions (expected an integer in [-2, 1])");
    expect(() => x.softmax(-3)).toThrow(ArgumentError);
  });

  it("max() shares the gradient among ties, max(dim) sends it to the first", () => {
    const t = tensor([3, 1, 3], { requiresGrad: true });
    t.max().backward();
    expect(t.grad!.tolist()).toEqual([0.5, 0, 0.5]);
    const u = tensor([[3, 1, 3]], { requiresGrad: true });
    u.max(1).values.sum().backward();
    expect(u.grad!.tolist()).toEqual([[1, 0, 0]]);
  });

  it("var and std match the unbiased formulas", () => {
    const v = tensor([1, 2, 3, 4], { dtype: "float64" });
    expect(v.var().item()).toBeCloseTo(5 / 3, 12);
    expect(v.var(0, { unbiased: false }).item()).toBeCloseTo(1.25, 12);
    expect(v.std().item()).toBeCloseTo(Math.sqrt(5 / 3), 12);
  });
});

describe("softmax and logSoftmax", () => {
  it("logSoftmax stays finite for logits of ±1e4", () => {
    const x = tensor([[1e4, -1e4, 0], [-1e4, -1e4, -1e4]], { requiresGrad: true });
    const y = x.logSoftmax(1);
    expect(y.data.every(Number.isFinite)).toBe(true);
    expect(y.index(0).tolist()).toEqual([0, -2e4, -1e4]);
    y.index(0).index(1).backward();
    expect(x.grad!.data.every(Number.isFinite)).toBe(true);
    const s = x.softmax(1);
    expect(s.data.every(Number.isFinite)).toBe(true);
    expect(s.sum(1).tolist()).toEqual([1, 1]);
    expect(s.index(0).tolist()).toEqual([1, 0, 0]);
  });
});

describe("shape ops", () => {
  it("reshape/view share storage and infer one -1", () => {
    const a = arange(6);
    const b = a.view(2, -1);
    expect(b.shape).toEqual([2, 3]);
    b.data[0] = 42;
    expect(a.data[0]).toBe(42);
    expect(a.reshape([3, 2]).shape).toEqual([3, 2]);
    expect(() => a.reshape(4, 2)).toThrow(/reshape: shape \[4, 2\] is invalid for input of size 6/);
    expect(() => a.view(-1, -1)).toThrow(/only one dimension can be inferred/);
  });

  it("transpose, T, permute, flatten, squeeze, unsqueeze, expand", () => {
    const m = arange(6).reshape(2, 3);
    expect(m.T.tolist()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(m.transpose(0, 1).tolist()).toEqual(m.T.tolist());
    expect(arange(24).reshape(2, 3, 4).permute(2, 0, 1).shape).toEqual([4, 2, 3]);
    expect(arange(24).reshape(2, 3, 4).permute(2, 0, 1).tolist()).toEqual(arange(24).reshape(2, 3, 4).transpose(1, 2).transpose(0, 1).tolist());
    expect(zeros(2, 3, 4).flatten(1).shape).toEqual([2, 12]);
    expect(zeros(2, 3, 4).flatten().shape).toEqual([24]);
    expect(zeros(2, 1, 3).squeeze().shape).toEqual([2, 3]);
    expect(zeros(2, 1, 3).squeeze(0).shape).toEqual([2, 1, 3]);
    expect(zeros(2, 3).unsqueeze(-1).shape).toEqual([2, 3, 1]);
    expect(tensor([[1], [2]]).expand(2, 3).tolist()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(() => tensor([1, 2]).expand(3, 3)).toThrow(ShapeError);
    expect(tensor([[1], [2]]).expand(-1, 2).tolist()).toEqual([[1, 1], [2, 2]]);
    expect(() => m.transpose(0, 2)).toThrow(/transpose: dim1 2 is out of range/);
  });
});

describe("indexing", () => {
  const m = arange(12).reshape(4, 3);
  it("index and slice rows with Python semantics", () => {
    expect(m.index(1).tolist()).toEqual([3, 4, 5]);
    expect(m.index(-1).tolist()).toEqual([9, 10, 11]);
    expect(m.slice(1, 3).tolist()).toEqual([[3, 4, 5], [6, 7, 8]]);
    expect(m.slice(-2).shape).toEqual([2, 3]);
    expect(m.slice(3, 100).shape).toEqual([1, 3]);
    expect(m.slice(3, 1).shape).toEqual([0, 3]);
    expect(() => m.index(4)).toThrow(/index: index 4 is out of range for dim 0 of size 4/);
  });

  it("gather picks per-row scores; bad indices are named", () => {
    const scores = tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]]);
    expect(scores.gather(1, tensor([[1], [0]])).tolist()).toEqual([[0.699999988079071], [0.5]]);
    expect(() => scores.gather(1, tensor([[3], [0]]))).toThrow(/gather: index holds 3, which is not an integer in \[-3, 2\]/);
    expect(() => scores.gather(1, tensor([[NaN], [0]]))).toThrow(/gather: index holds NaN/);
    expect(() => scores.gather(1, tensor([1, 0]))).toThrow(ShapeError);
    expect(m.indexSelect(0, [3, 0]).tolist()).toEqual([[9, 10, 11], [0, 1, 2]]);
  });

  it("cat and stack check shapes", () => {
    expect(cat([zeros(2, 3), ones(1, 3)]).shape).toEqual([3, 3]);
    expect(cat([zeros(2, 3), ones(2, 1)], 1).tolist()).toEqual([[0, 0, 0, 1], [0, 0, 0, 1]]);
    expect(stack([zeros(3), ones(3)], 1).shape).toEqual([3, 2]);
    expect(() => cat([zeros(2, 3), zeros(2, 4)])).toThrow("cat: tensors[1] has shape (2x4), which does not match tensors[0] (2x3) outside dim 0");
    expect(() => stack([zeros(2), zeros(3)])).toThrow(ShapeError);
    expect(() => cat([])).toThrow(ArgumentError);
  });
});

describe("conv2d, maxPool2d, dropout", () => {
  it("conv2d computes a known cross-correlation", () => {
    const x = arange(16, { dtype: "float64" }).reshape(1, 1, 4, 4);
    const w = tensor([[[[1, 0], [0, -1]]]], { dtype: "float64" });
    const y = conv2d(x, w, tensor([0.5], { dtype: "float64" }));
    expect(y.shape).toEqual([1, 1, 3, 3]);
    expect(y.tolist()).toEqual([[[[-4.5, -4.5, -4.5], [-4.5, -4.5, -4.5], [-4.5, -4.5, -4.5]]]]);
    expect(conv2d(zeros(2, 3, 8, 8), zeros(5, 3, 3, 3), null, { stride: 2, padding: 1 }).shape).toEqual([2, 5, 4, 4]);
    expect(() => conv2d(zeros(1, 2, 4, 4), zeros(3, 3, 2, 2))).toThrow(/conv2d: input \(1x2x4x4\) has 2 channels but weight \(3x3x2x2\) expects 3/);
    expect(() => conv2d(zeros(1, 1, 2, 2), zeros(1, 1, 3, 3))).toThrow(ShapeError);
    expect(() => conv2d(zeros(1, 1, 4, 4), zeros(1, 1, 3, 3), null, { stride: 0 })).toThrow(/stride/);
  });

  it("maxPool2d takes window maxima", () => {
    const x = arange(16, { dtype: "float32" }).reshape(1, 1, 4, 4);
    expect(maxPool2d(x, 2).tolist()).toEqual([[[[5, 7], [13, 15]]]]);
    expect(maxPool2d(x, 3, 1).shape).toEqual([1, 1, 2, 2]);
    expect(maxPool2d(zeros(3, 6, 6), 2).shape).toEqual([3, 3, 3]);
  });

  it("dropout keeps about 1-p of the elements, scaled, and is the identity in eval", () => {
    manualSeed(3);
    const x = ones(10000);
    const y = dropout(x, 0.25);
    const kept = (y.data as Float32Array).filter((v) => v !== 0);
    expect(Math.abs(kept.length / 10000 - 0.75)).toBeLessThan(0.02);
    expect(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
    expect(dropout(x, 0.5, false)).toBe(x);
    expect(() => dropout(x, 1.5)).toThrow(/dropout: probability p has to be between 0 and 1/);
    manualSeed(3);
    expect(dropout(x, 0.25).tolist()).toEqual(y.tolist());
  });

  it("randn-based ops stay deterministic under a seed", () => {
    manualSeed(9);
    const a = randn(3, 3).matmul(randn(3, 3)).tolist();
    manualSeed(9);
    expect(randn(3, 3).matmul(randn(3, 3)).tolist()).toEqual(a);
  });
});

describe("dtype is kept through every op", () => {
  it("float64 in, float64 out (and float32 stays float32)", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const x = randn([2, 3], { dtype });
      const outs = [
        x.exp(), x.relu(), x.sigmoid(), x.tanh(), x.abs().sqrt(), x.abs().log(), x.neg(), x.pow(2), x.add(1), x.mul(x),
        x.sum(1), x.mean(), x.max(), x.max(0).values, x.var(), x.softmax(1),
        x.logSoftmax(0), x.T, x.reshape(6), x.index(0), x.slice(0, 1), x.gather(1, zeros(2, 1)), x.matmul(x.T),
        cat([x, x]), stack([x, x]), x.expand(2, 2, 3), x.clone(), dropout(x, 0.5),
        conv2d(x.reshape(1, 1, 2, 3), ones(1, 1, 1, 1, { dtype })), maxPool2d(x.reshape(1, 1, 2, 3), 1),
      ];
      for (const o of outs) expect(o.dtype).toBe(dtype);
      // Indices are int64 and comparisons bool, whatever the input's float dtype (as in PyTorch).
      expect([x.max(0).indices.dtype, x.argmax(1).dtype, x.eq(x).dtype]).toEqual(["int64", "int64", "bool"]);
    }
  });
});

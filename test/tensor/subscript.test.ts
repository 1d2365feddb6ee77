// x.get(...) / x.set(..., value): PyTorch's subscripts, their shapes and their errors.
import { describe, expect, it } from "vitest";
import { arange, noGrad, tensor, zeros } from "../../src/tensor/index.js";

const x = arange(24).reshape(2, 3, 4);

describe("get: x[...]", () => {
  it("basic subscripts give PyTorch's shapes and values", () => {
    expect(x.get(1).shape).toEqual([3, 4]);
    expect(x.get(":", 1).tolist()).toEqual([[4, 5, 6, 7], [16, 17, 18, 19]]);
    expect(x.get("...", -1).tolist()).toEqual([[3, 7, 11], [15, 19, 23]]);
    expect(x.get(0, "1:", "::2").tolist()).toEqual([[4, 6], [8, 10]]);
    expect(x.get(null, 0).shape).toEqual([1, 3, 4]);
    expect(x.get(0, null, "...", null).shape).toEqual([1, 3, 4, 1]);
    expect(x.get("5:").shape).toEqual([0, 3, 4]);
    expect(x.get(1, 2, 3).shape).toEqual([]);
    expect(x.get(1, 2, 3).item()).toBe(23);
  });

  it("integer tensors and arrays index as in PyTorch (embedding lookups, probs[arange(n), y])", () => {
    const C = tensor([[0, 0], [1, 1], [2, 2]]);
    const X = tensor([[2, 0], [1, 1]]);
    expect(C.get(X).tolist()).toEqual([[[2, 2], [0, 0]], [[1, 1], [1, 1]]]);
    const probs = tensor([[0.1, 0.9], [0.8, 0.2], [0.5, 0.5]]);
    expect(probs.get(arange(3), tensor([1, 0, 1])).tolist()).toEqual([0.9, 0.8, 0.5].map(Math.fround));
    expect(x.get(":", [0, 2], -1).tolist()).toEqual([[3, 11], [15, 23]]);
    // Advanced indices apart from each other put their dims first.
    expect(x.get([0, 1], ":", [1, 2]).shape).toEqual([2, 3]);
    expect(x.get(0, ":", [1, 2]).shape).toEqual([3, 2]);
  });

  it("gradients scatter-add, repeated indices counted each time", () => {
    const C = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    C.get(tensor([0, 0, 1])).sum().backward();
    expect(C.grad!.tolist()).toEqual([[2, 2], [1, 1]]);
    expect(C.get(0).gradFn).toBe("SliceBackward0");
    expect(C.get([1]).gradFn).toBe("IndexBackward0");
  });

  it("maskedSelect(mask) is x[mask]", () => {
    const t = tensor([[1, -2], [3, -4]], { requiresGrad: true });
    const picked = t.maskedSelect(t.gt(0));
    expect(picked.tolist()).toEqual([1, 3]);
    picked.sum().backward();
    expect(t.grad!.tolist()).toEqual([[1, 0], [1, 0]]);
  });

  it("errors name the subscript and the sizes", () => {
    expect(() => x.get(0, 0, 0, 0)).toThrow(/get: too many indices for a tensor of dimension 3 \(got 4/);
    expect(() => x.get(":", 3)).toThrow(/get: index 3 is out of range for dim 1 of size 3 \(shape \(2x3x4\)\)/);
    expect(() => x.get("1:2:0")).toThrow(/get: subscript 0 \("1:2:0"\): step must be positive/);
    expect(() => x.get("a")).toThrow(/get: subscript 0 is "a", expected a slice such as ":"/);
    expect(() => x.get("...", "...")).toThrow(/single ellipsis/);
    expect(() => x.get([0, 5])).toThrow(/get: index 5 is out of bounds for dim 0 with size 2/);
    expect(() => x.get([0.5])).toThrow(/indices must be integers/);
    expect(() => x.get([0, 1], ":", [0, 1, 2])).toThrow(/get: shape mismatch: indexing tensors could not be broadcast together with shapes \(2\), \(3\)/);
    expect(() => x.get({} as never)).toThrow(/get: subscript 0 is \{\}; expected an integer, a slice string/);
  });
});

describe("set: x[...] = value", () => {
  it("writes in place, broadcasting the value, and returns x", () => {
    const t = zeros([2, 3]);
    expect(t.set(":", 1, 5)).toBe(t);
    t.set(0, tensor([1, 2, 3]));
    t.set([1], "1:", tensor([7]));
    expect(t.tolist()).toEqual([[1, 2, 3], [0, 7, 7]]);
    expect(() => t.set(":", 0, tensor([1, 2, 3]))).toThrow(
      /set: shape mismatch: value tensor of shape \(3\) cannot be broadcast to indexing result of shape \(2\)/,
    );
    expect(() => (t.set as (v: number) => unknown)(1)).toThrow(/set: expected one or more subscripts followed by the value/);
  });

  it("follows the in-place rules: a leaf that requires grad only under noGrad; gradients through a copy", () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    expect(() => w.set(0, 0)).toThrow(/set: a leaf Variable that requires grad is being used in an in-place operation/);
    noGrad(() => w.set(0, 9));
    expect(w.tolist()).toEqual([9, 2, 3]);
    const v = tensor([10], { requiresGrad: true });
    const y = w.mul(1);
    y.set(1, v);
    expect(y.gradFn).toBe("IndexPutBackward0");
    y.mul(tensor([1, 2, 3])).sum().backward();
    expect(w.grad!.tolist()).toEqual([1, 0, 3]);
    expect(v.grad!.tolist()).toEqual([2]);
  });
});

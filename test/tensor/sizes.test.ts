// PyTorch's size methods: x.size(), x.size(d), x.dim(), x.numel(), x.contiguous().
import { describe, expect, it } from "vitest";
import { tensor, zeros } from "../../src/tensor/index.js";

describe("size methods", () => {
  it("size(), size(dim), dim(), numel() as in PyTorch", () => {
    const x = zeros([2, 3, 4]);
    expect(x.size()).toEqual([2, 3, 4]);
    expect(x.size()).toBe(x.shape);
    expect(x.size(0)).toBe(2);
    expect(x.size(-1)).toBe(4);
    expect(x.dim()).toBe(3);
    expect(x.ndim).toBe(3);
    expect(x.numel()).toBe(24);
    expect(zeros([0, 5]).numel()).toBe(0);
    const s = tensor(7);
    expect(s.size()).toEqual([]);
    expect(s.dim()).toBe(0);
    expect(s.numel()).toBe(1);
  });

  it("contiguous() is the tensor itself (storage is always row-major)", () => {
    const x = tensor([[1, 2], [3, 4]]).T;
    expect(x.contiguous()).toBe(x);
    expect(x.isContiguous()).toBe(true);
    expect(x.contiguous().view(-1).tolist()).toEqual([1, 3, 2, 4]);
  });

  it("a dim out of range names the argument", () => {
    expect(() => zeros([2, 3]).size(2)).toThrow(/size: dim 2 is out of range for a tensor with 2 dimensions \(expected an integer in \[-2, 1\]\)/);
    expect(() => tensor(1).size(0)).toThrow(/size: dim 0 is out of range: a 0-d tensor has no dims/);
  });
});

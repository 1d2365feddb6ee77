// Embedding, LayerNorm and GELU as modules: what they compute (the functional forms, checked against
// PyTorch in test/tensor/ops-reference.test.ts), their parameters and PyTorch's initialisation.
import { describe, expect, it } from "vitest";
import { manualSeed, nn, randn, tensor, F } from "../../src/index.js";
import { ArgumentError, ShapeError } from "../../src/tensor/errors.js";

describe("nn.Embedding", () => {
  it("looks up rows of a N(0, 1) weight, shape [...X.shape, dim], as C[X]", () => {
    manualSeed(3);
    const emb = new nn.Embedding(1000, 20);
    expect(emb.weight.shape).toEqual([1000, 20]);
    expect(emb.parameters()).toEqual([emb.weight]);
    const w = [...emb.weight.data];
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
    const X = tensor([[3, 1], [999, 3]]);
    const out = emb(X);
    expect(out.shape).toEqual([2, 2, 20]);
    expect(out.tolist()).toEqual(emb.weight.get(X).tolist());
    expect(String(emb)).toBe("Embedding(1000, 20)");
  });

  it("adds gradients of repeated indices into one row", () => {
    const emb = new nn.Embedding(4, 2);
    emb(tensor([1, 1, 3])).sum().backward();
    expect(emb.weight.grad!.tolist()).toEqual([[0, 0], [2, 2], [0, 0], [1, 1]]);
  });

  it("keeps paddingIdx's row at 0 and out of the gradient (negative counts from the end)", () => {
    const emb = new nn.Embedding(5, 3, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(4);
    expect(emb.weight.get(4).tolist()).toEqual([0, 0, 0]);
    emb(tensor([4, 0, 4])).sum().backward();
    expect(emb.weight.grad!.get(4).tolist()).toEqual([0, 0, 0]);
    expect(emb.weight.grad!.get(0).tolist()).toEqual([1, 1, 1]);
    expect(String(emb)).toBe("Embedding(5, 3, paddingIdx=4)");
  });

  it("refuses bad sizes, indices and options, naming them", () => {
    expect(() => new nn.Embedding(0, 3)).toThrow(/Embedding: numEmbeddings should be a positive integer, got 0/);
    expect(() => new nn.Embedding(5, 3, { paddingIdx: 5 })).toThrow(/Embedding: paddingIdx must be an integer within numEmbeddings \(5\), got 5/);
    expect(() => new nn.Embedding(5, 3, { maxNorm: 1 } as never)).toThrow(/Embedding: unknown option "maxNorm"/);
    const emb = new nn.Embedding(5, 3);
    expect(() => emb(tensor([1, 5]))).toThrow(ArgumentError);
    expect(() => emb(tensor([1, 5]))).toThrow(/embedding: input holds 5, which is not an index in \[0, 4\]/);
    expect(() => emb(tensor([0.5]))).toThrow(/input holds 0.5/);
    expect(() => F.embedding(tensor([0]), tensor([1, 2]))).toThrow(ShapeError);
  });
});

describe("nn.LayerNorm", () => {
  it("normalises each sample over the last dims, then scales and shifts by its parameters", () => {
    const ln = new nn.LayerNorm(4);
    expect(ln.parameters().map((p) => p.tolist())).toEqual([[1, 1, 1, 1], [0, 0, 0, 0]]);
    const x = tensor([[1, 2, 3, 4], [10, 10, 10, 14]], { dtype: "float64" });
    const ln64 = new nn.LayerNorm(4, { dtype: "float64" });
    const y = ln64(x);
    // Row 0: mean 2.5, biased var 1.25.
    const s = Math.sqrt(1.25 + 1e-5);
    expect(y.get(0).tolist()).toEqual([-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s]);
    expect(Math.abs(y.get(1).mean().item())).toBeLessThan(1e-12);
    ln64.weight!.data.fill(2);
    ln64.bias!.data.fill(1);
    expect(ln64(x).get(0, 0).item()).toBeCloseTo((-1.5 / s) * 2 + 1, 12);
    expect(ln(randn(2, 3, 4)).shape).toEqual([2, 3, 4]);
    expect(String(ln)).toBe("LayerNorm([4], eps=0.00001, elementwiseAffine=true)");
  });

  it("has no parameters without elementwiseAffine, and no bias with bias: false", () => {
    expect(new nn.LayerNorm([2, 3], { elementwiseAffine: false }).parameters()).toEqual([]);
    const ln = new nn.LayerNorm(3, { bias: false });
    expect(ln.bias).toBeNull();
    expect(ln.parameters()).toHaveLength(1);
  });

  it("refuses a normalizedShape that does not match the input's last dims", () => {
    expect(() => new nn.LayerNorm(4)(randn(2, 3))).toThrow(/F\.layerNorm: normalizedShape \(4\) must match the last dims of the input, got input of shape \(2x3\)/);
    expect(() => new nn.LayerNorm([])).toThrow(/LayerNorm: normalizedShape must be/);
    expect(() => new nn.LayerNorm(3, { eps: 0 })).toThrow(/LayerNorm: eps should be > 0/);
  });
});

describe("nn.GELU", () => {
  it("is F.gelu, exact or tanh-approximated", () => {
    const x = tensor([-2, -0.5, 0, 1, 3], { dtype: "float64" });
    expect(new nn.GELU()(x).tolist()).toEqual(F.gelu(x).tolist());
    expect(new nn.GELU({ approximate: "tanh" })(x).tolist()).toEqual(F.gelu(x, { approximate: "tanh" }).tolist());
    // GELU(1) = Φ(1) = 0.8413447460685429.
    expect(F.gelu(tensor([1], { dtype: "float64" })).item()).toBeCloseTo(0.8413447460685429, 15);
    expect(String(new nn.GELU({ approximate: "tanh" }))).toBe("GELU(approximate='tanh')");
    expect(() => new nn.GELU({ approximate: "erf" } as never)).toThrow(/GELU: approximate must be "none" or "tanh", got "erf"/);
    expect(() => F.gelu(x, { approximate: "fast" } as never)).toThrow(/F\.gelu: approximate must be "none" or "tanh"/);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DTypeError, RandomGenerator, manualSeed, tensor, zeros, type Tensor } from "../../src/tensor/index.js";
import { Linear, init } from "../../src/nn/index.js";
import type { Nonlinearity } from "../../src/nn/init.js";

interface InitCase {
  fn: "uniform_" | "normal_" | "xavierUniform_" | "xavierNormal_" | "kaimingUniform_" | "kaimingNormal_" | "truncNormal_";
  options: Record<string, number | string>;
  shape: number[];
  mean: number;
  std: number;
  min: number;
  max: number;
}
const ref = JSON.parse(readFileSync(new URL("../fixtures/torch_training_reference.json", import.meta.url), "utf8")) as {
  gains: { nonlinearity: Nonlinearity; param: number | null; gain: number }[];
  fans: { shape: number[]; fanIn: number; fanOut: number }[];
  inits: InitCase[];
};

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const d = [...t.data];
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1));
  return { mean, std, min: Math.min(...d), max: Math.max(...d) };
}

describe("nn.init against PyTorch 1.13 (test/fixtures/torch_training_reference.py)", () => {
  it.each(ref.gains.map((g) => [`${g.nonlinearity} ${g.param ?? ""}`, g] as const))("calculateGain %s", (_name, g) => {
    expect(init.calculateGain(g.nonlinearity, g.param ?? undefined)).toBeCloseTo(g.gain, 14);
  });

  it("calculateGain takes camelCase names too", () => {
    expect(init.calculateGain("leakyRelu", 0.2)).toBe(init.calculateGain("leaky_relu", 0.2));
    expect(init.calculateGain("convTranspose2d")).toBe(1);
  });

  it.each(ref.fans.map((f) => [JSON.stringify(f.shape), f] as const))("fans of a weight shaped %s", (_name, f) => {
    expect(init.calculateFanInAndFanOut(zeros(f.shape))).toEqual({ fanIn: f.fanIn, fanOut: f.fanOut });
  });

  // Different random streams: the draws' spread must be PyTorch's, the samples being large (≥ 73,728).
  it.each(ref.inits.map((c) => [`${c.fn} ${JSON.stringify(c.options)} on ${JSON.stringify(c.shape)}`, c] as const))("%s", (_name, c) => {
    const w = zeros(c.shape, { dtype: "float64" });
    const out = (init[c.fn] as (t: Tensor, o: object) => Tensor)(w, { ...c.options, generator: new RandomGenerator(7) });
    expect(out).toBe(w);
    const s = stats(w);
    const n = w.numel();
    expect(Math.abs(s.std / c.std - 1), `std ${s.std} vs PyTorch's ${c.std}`).toBeLessThan(0.015);
    expect(Math.abs(s.mean - c.mean), `mean ${s.mean} vs PyTorch's ${c.mean}`).toBeLessThan((8 * c.std) / Math.sqrt(n));
    if (c.fn === "truncNormal_") {
      expect(s.min).toBeGreaterThanOrEqual(Number(c.options.a ?? -2));
      expect(s.max).toBeLessThanOrEqual(Number(c.options.b ?? 2));
    }
    if (c.fn.toLowerCase().includes("uniform") || (c.fn === "truncNormal_" && c.options.a !== undefined)) {
      // Uniform draws fill the whole interval: the extremes agree to a small fraction of its width.
      const width = c.max - c.min;
      expect(Math.abs(s.min - c.min) / width).toBeLessThan(0.002);
      expect(Math.abs(s.max - c.max) / width).toBeLessThan(0.002);
    }
  });
});

describe("nn.init in use", () => {
  it("fills a model's parameters in place, without noGrad, returning the tensor", () => {
    const fc = new Linear(4, 3);
    expect(init.zeros_(fc.bias!)).toBe(fc.bias);
    expect(fc.bias!.tolist()).toEqual([0, 0, 0]);
    init.ones_(fc.weight);
    expect(fc.weight.tolist()).toEqual([[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]]);
    init.constant_(fc.weight, 0.5);
    expect(fc.weight.sum().item()).toBe(6);
    expect(fc.weight.requiresGrad).toBe(true);
    expect(fc.weight.isLeaf).toBe(true);
  });

  it("a generator gives the same draws every time and leaves the global stream alone", () => {
    const a = init.kaimingNormal_(zeros([5, 6]), { generator: new RandomGenerator().manualSeed(42) });
    const b = init.kaimingNormal_(zeros([5, 6]), 0, "fan_in", "leaky_relu", { generator: new RandomGenerator().manualSeed(42) });
    expect(b.tolist()).toEqual(a.tolist());
    manualSeed(3);
    const first = init.normal_(zeros([4]));
    manualSeed(3);
    init.uniform_(zeros([10]), { generator: new RandomGenerator(1) });
    expect(init.normal_(zeros([4])).tolist()).toEqual(first.tolist());
  });

  it("positional arguments read as PyTorch's: normal_(w, 0, 0.02), uniform_(w, -1, 1)", () => {
    const w = init.normal_(zeros([20000], { dtype: "float64" }), 0, 0.02, { generator: new RandomGenerator(5) });
    expect(stats(w).std).toBeGreaterThan(0.0195);
    expect(stats(w).std).toBeLessThan(0.0205);
    const u = init.uniform_(zeros([1000]), -1, 1);
    expect(stats(u).min).toBeGreaterThanOrEqual(-1);
    expect(stats(u).min).toBeLessThan(-0.99);
  });

  it("bumps the version: a tensor saved for backward and then re-initialised refuses backward", () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const x = tensor([1, 1, 1], { requiresGrad: true });
    const y = w.mul(x).sum();
    init.normal_(x);
    expect(() => y.backward()).toThrow(/modified by an inplace operation/);
  });

  it("errors name the argument", () => {
    expect(() => init.xavierUniform_(zeros([5]))).toThrow(/Fan in and fan out can not be computed for tensor with fewer than 2 dimensions \(tensor has shape \(5\)\)/);
    expect(() => init.kaimingUniform_(zeros([2, 2]), { mode: "fan_avg" as "fan_in" })).toThrow(/Mode fan_avg not supported, please use one of fan_in, fan_out/);
    expect(() => init.kaimingNormal_(zeros([2, 2]), { nonlinearity: "gelu" as "relu" })).toThrow(/Unsupported nonlinearity gelu/);
    expect(() => init.normal_(zeros([2]), 0, -1)).toThrow(/nn.init.normal_: expects std >= 0.0, but found std -1/);
    expect(() => init.uniform_(zeros([2]), 1, 0)).toThrow(/expects a <= b, but got a=1 and b=0/);
    expect(() => init.normal_(zeros([2]), 0.1, { mean: 0.2 } as unknown as number)).toThrow(/got multiple values for argument 'mean'/);
    expect(() => init.normal_(zeros([2]), { sd: 1 } as object)).toThrow(/nn.init.normal_: unknown option "sd"/);
    expect(() => init.constant_([1, 2] as unknown as Tensor, 1)).toThrow(/nn.init.constant_: tensor should be a Tensor/);
    expect(() => init.uniform_(zeros([2]), { generator: 42 as unknown as RandomGenerator })).toThrow(/generator must be a RandomGenerator/);
  });

  it("truncNormal_ refuses an interval it cannot sample, naming it", () => {
    expect(() => init.truncNormal_(zeros([3]), { a: 50, b: 51 })).toThrow(/\[a, b\] = \[50, 51\] holds too little of N\(0, 1²\)/);
    expect(() => init.truncNormal_(zeros([3]), { a: 1, b: 0 })).toThrow(/expects a <= b, but got a=1 and b=0/);
  });

  it("random fills need a float tensor; constant fills convert to the tensor's dtype, as PyTorch", () => {
    expect(() => init.normal_(zeros([2], { dtype: "int64" }))).toThrow(/nn.init.normal_: tensor should be float32 or float64, got int64/);
    expect(() => init.kaimingUniform_(zeros([2, 2], { dtype: "int32" }))).toThrow(DTypeError);
    expect(init.constant_(zeros([2], { dtype: "int64" }), 2.7).tolist()).toEqual([2, 2]);
    expect(init.constant_(zeros([2], { dtype: "bool" }), 0.5).tolist()).toEqual(tensor([true, true]).tolist());
    expect(init.ones_(zeros([2], { dtype: "int32" })).tolist()).toEqual([1, 1]);
  });

  it("an empty tensor is left as it is by the Kaiming functions, as PyTorch", () => {
    const t = zeros([0, 3]);
    expect(init.kaimingUniform_(t)).toBe(t);
  });
});

// Generators, randperm, multinomial and randint(high, size).
import { describe, expect, it } from "vitest";
import { manualSeed, multinomial, rand, randint, randn, RandomGenerator, randperm, tensor } from "../../src/tensor/index.js";

describe("RandomGenerator", () => {
  it("is a stream of its own: same seed, same numbers, and the global stream is untouched", () => {
    manualSeed(5);
    const globalFirst = rand([3]).tolist();
    manualSeed(5);
    const g = new RandomGenerator().manualSeed(2147483647);
    const a = randn([4], { generator: g }).tolist();
    expect(rand([3]).tolist()).toEqual(globalFirst);
    const again = randn([4], { generator: new RandomGenerator().manualSeed(2147483647) }).tolist();
    expect(again).toEqual(a);
    expect(g.initialSeed()).toBe(2147483647);
    // The global generator is one too: manualSeed(s) and new RandomGenerator(s) give the same numbers.
    manualSeed(11);
    expect(rand([5]).tolist()).toEqual(rand([5], { generator: new RandomGenerator(11) }).tolist());
  });

  it("rejects a generator that is not one, and unknown options", () => {
    expect(() => rand([2], { generator: {} as never })).toThrow(/rand: generator must be a RandomGenerator/);
    expect(() => randn([2], { seed: 1 } as never)).toThrow(/randn: unknown option "seed" \(expected dtype, requiresGrad, device, generator\)/);
    expect(() => new RandomGenerator().manualSeed(1.5)).toThrow(/manualSeed: seed must be a finite integer, got 1.5/);
  });
});

describe("randint, randperm", () => {
  it("randint(high, size) and randint(low, high, size)", () => {
    const g = new RandomGenerator(1);
    const a = randint(3, [1000], { generator: g });
    expect(a.shape).toEqual([1000]);
    expect(new Set(a.tolist() as number[])).toEqual(new Set([0, 1, 2]));
    const b = randint(-2, 2, [2, 500]);
    expect(Math.min(...(b.flatten().tolist() as number[]))).toBe(-2);
    expect(Math.max(...(b.flatten().tolist() as number[]))).toBe(1);
    expect(() => (randint as unknown as (h: number, l: number) => unknown)(0, 5)).toThrow(/randint: size is required/);
  });

  it("randperm(n) is a permutation, reproducible with a generator", () => {
    const p = randperm(50, { generator: new RandomGenerator(3) }).tolist() as number[];
    expect([...p].sort((x, y) => x - y)).toEqual([...Array(50).keys()]);
    expect(p).not.toEqual([...Array(50).keys()]);
    expect(randperm(50, { generator: new RandomGenerator(3) }).tolist()).toEqual(p);
    expect(randperm(0).shape).toEqual([0]);
    expect(() => randperm(-1)).toThrow(/randperm: n must be a non-negative integer, got -1/);
  });
});

describe("multinomial", () => {
  it("draws categories in proportion to the weights (with replacement)", () => {
    const g = new RandomGenerator(2147483647);
    const counts = [0, 0, 0, 0];
    const s = multinomial(tensor([1, 0, 3, 6]), 20000, { replacement: true, generator: g });
    for (const k of s.tolist() as number[]) counts[k]!++;
    expect(counts[1]).toBe(0);
    // Expected 2000, 0, 6000, 12000; the standard deviations are under 110.
    expect(Math.abs(counts[0]! - 2000)).toBeLessThan(400);
    expect(Math.abs(counts[2]! - 6000)).toBeLessThan(500);
    expect(Math.abs(counts[3]! - 12000)).toBeLessThan(500);
  });

  it("without replacement each category once per row; rows of a 2-D input sample separately", () => {
    const s = tensor([[1, 1, 1, 1], [0, 5, 0, 1]]).multinomial(2, { generator: new RandomGenerator(0) });
    expect(s.shape).toEqual([2, 2]);
    const [r0, r1] = s.tolist() as number[][];
    expect(new Set(r0).size).toBe(2);
    expect([...r1!].sort()).toEqual([1, 3]);
  });

  it("errors name the problem", () => {
    expect(() => multinomial(tensor([1, -1]), 1)).toThrow(/multinomial: probability tensor contains either inf, nan or element < 0 \(row 0, category 1: -1\)/);
    expect(() => multinomial(tensor([0, 0]), 1)).toThrow(/sum of probabilities <= 0/);
    expect(() => multinomial(tensor([1, 1]), 3)).toThrow(/cannot sample numSamples=3 > 2 categories without replacement/);
    expect(() => multinomial(tensor([[[1]]]), 1)).toThrow(/input must be 1-D or 2-D/);
    expect(() => multinomial(tensor([1]), 1, { replace: true } as never)).toThrow(/multinomial: unknown option "replace"/);
  });
});

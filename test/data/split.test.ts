import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RandomGenerator, manualSeed, tensor, type Tensor } from "../../src/tensor/index.js";
import { DataLoader, Subset, TensorDataset, randomSplit, type Dataset } from "../../src/data/index.js";

const ref = JSON.parse(readFileSync(new URL("../fixtures/torch_training_reference.json", import.meta.url), "utf8")) as {
  randomSplit: { n: number; lengths: number[]; sizes: number[] }[];
};

function numbered(n: number): TensorDataset<[Tensor, Tensor]> {
  return new TensorDataset(tensor(Array.from({ length: n }, (_, i) => [i])), tensor(Array.from({ length: n }, (_, i) => i % 2)));
}

function ids(ds: Dataset<[Tensor, Tensor]>): number[] {
  return Array.from({ length: ds.length }, (_, i) => ds.get(i)[0].item());
}

describe("Subset", () => {
  it("item i is the dataset's item indices[i]; batches go through the dataset's fast path", () => {
    const sub = new Subset(numbered(10), [7, 2, 5]);
    expect(sub.length).toBe(3);
    expect(ids(sub)).toEqual([7, 2, 5]);
    expect(sub.getBatch!([2, 0])[0].tolist()).toEqual([[5], [7]]);
    const [[x, y]] = [...new DataLoader(sub, { batchSize: 3 })];
    expect(x!.tolist()).toEqual([[7], [2], [5]]);
    expect(y!.tolist()).toEqual([1, 0, 1]);
  });

  it("works on a dataset without a fast path, and names a bad index", () => {
    const plain: Dataset<string> = { length: 3, get: (i) => "abc"[i]! };
    const sub = new Subset(plain, [2, 0]);
    expect(sub.getBatch).toBeUndefined();
    expect([sub.get(0), sub.get(1)]).toEqual(["c", "a"]);
    expect(() => new Subset(plain, [0, 3])).toThrow(/Subset: indices\[1\] = 3 is out of range for a dataset of length 3/);
    expect(() => sub.get(2)).toThrow(/Subset: index 2 is out of range for a subset of length 2/);
  });
});

describe("randomSplit", () => {
  it.each(ref.randomSplit.map((c) => [`${c.n} items into ${JSON.stringify(c.lengths)}`, c] as const))(
    "%s: PyTorch 1.13's sizes, every item exactly once",
    (_name, c) => {
      const parts = randomSplit(numbered(c.n), c.lengths, { generator: new RandomGenerator(1) });
      expect(parts.map((p) => p.length)).toEqual(c.sizes);
      expect(parts.flatMap(ids).sort((a, b) => a - b)).toEqual(Array.from({ length: c.n }, (_, i) => i));
    },
  );

  it("a seeded generator gives the same split every time; without one it follows manualSeed", () => {
    const split = (g?: RandomGenerator) => randomSplit(numbered(20), [0.75, 0.25], { generator: g }).map(ids);
    const a = split(new RandomGenerator().manualSeed(42));
    expect(split(new RandomGenerator().manualSeed(42))).toEqual(a);
    expect(split(new RandomGenerator().manualSeed(43))).not.toEqual(a);
    expect(a[0]).not.toEqual(Array.from({ length: 15 }, (_, i) => i));
    manualSeed(9);
    const b = split();
    manualSeed(9);
    expect(split()).toEqual(b);
  });

  it("errors name the lengths", () => {
    expect(() => randomSplit(numbered(10), [3, 6])).toThrow(/Sum of input lengths \(9\) does not equal the length of the input dataset \(10\)!/);
    expect(() => randomSplit(numbered(10), [0.5, 0.4])).toThrow(/integer counts or fractions summing to 1, got \[0.5,0.4\]/);
    expect(() => randomSplit(numbered(10), [-1, 11])).toThrow(/non-negative numbers/);
    expect(() => randomSplit(numbered(10), [5, 5], { seed: 1 } as object)).toThrow(/randomSplit: unknown option "seed"/);
  });
});

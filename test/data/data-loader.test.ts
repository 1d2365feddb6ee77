import { describe, expect, it } from "vitest";
import { manualSeed, tensor, type Tensor } from "../../src/tensor/index.js";
import { DataLoader, TensorDataset, enumerate, len, type Dataset } from "../../src/data/index.js";

function dataset(n: number): TensorDataset {
  const x = tensor(Array.from({ length: n }, (_, i) => [i, 10 * i]));
  const y = tensor(Array.from({ length: n }, (_, i) => i % 3));
  return new TensorDataset(x, y);
}

function firstColumn(batch: Tensor): number[] {
  return (batch.tolist() as number[][]).map((row) => row[0]!);
}

describe("TensorDataset", () => {
  it("item i is row i of each tensor", () => {
    const ds = dataset(5);
    expect(len(ds)).toBe(5);
    expect(len(ds.tensors[0])).toBe(5); // len(tensor) is its first dim, as in Python
    expect(() => len(tensor(1))).toThrow(/len: a 0-d tensor has no length/);
    const [x, y] = ds.get(3);
    expect(x.tolist()).toEqual([3, 30]);
    expect(y.item()).toBe(0);
  });

  it("rejects tensors of different lengths and bad indices", () => {
    expect(() => new TensorDataset(tensor([[1], [2], [3]]), tensor([1, 2]))).toThrow(/size mismatch.*\(3x1\), \(2\)/);
    expect(() => dataset(3).get(3)).toThrow(/index 3 is out of range for a dataset of length 3/);
  });
});

describe("DataLoader", () => {
  it("yields [input, target] batches in order, the last one smaller", () => {
    const loader = new DataLoader(dataset(10), { batchSize: 4 });
    expect(len(loader)).toBe(3);
    const batches = [...loader];
    expect(batches.map(([x]) => x.shape)).toEqual([[4, 2], [4, 2], [2, 2]]);
    expect(batches.map(([, y]) => y.shape)).toEqual([[4], [4], [2]]);
    expect(batches.flatMap(([x]) => firstColumn(x))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(batches[2]![1].tolist()).toEqual([2, 0]);
  });

  it("dropLast drops the short batch", () => {
    const loader = new DataLoader(dataset(10), { batchSize: 4, dropLast: true });
    expect(len(loader)).toBe(2);
    expect([...loader].length).toBe(2);
  });

  it("shuffles with a seed: every item once per epoch, new order each epoch, same sequence for the same seed", () => {
    const epochs = (seed: number) => {
      const loader = new DataLoader(dataset(20), { batchSize: 8, shuffle: true, seed });
      return [0, 1].map(() => [...loader].flatMap(([x]) => firstColumn(x)));
    };
    const [a1, a2] = epochs(7);
    expect([...a1!].sort((p, q) => p - q)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(a1).not.toEqual(a2);
    expect(a1).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(epochs(7)).toEqual([a1, a2]);
    expect(epochs(8)[0]).not.toEqual(a1);
  });

  it("without a seed, shuffling follows manualSeed", () => {
    const order = () => {
      const loader = new DataLoader(dataset(20), { batchSize: 20, shuffle: true });
      return firstColumn([...loader][0]![0]);
    };
    manualSeed(3);
    const a = order();
    manualSeed(3);
    expect(order()).toEqual(a);
  });

  it("collates a plain dataset by stacking its items", () => {
    const squares: Dataset<[Tensor, Tensor]> = {
      length: 3,
      get: (i) => [tensor([i, i]), tensor(i * i)],
    };
    const [[x, y]] = [...new DataLoader(squares, { batchSize: 3 })];
    expect(x!.tolist()).toEqual([[0, 0], [1, 1], [2, 2]]);
    expect(y!.tolist()).toEqual([0, 1, 4]);
  });

  it("rejects batchSize 0 and other non-positive sizes", () => {
    expect(() => new DataLoader(dataset(4), { batchSize: 0 })).toThrow(/batchSize should be a positive integer, got 0/);
    expect(() => new DataLoader(dataset(4), { batchSize: 2.5 })).toThrow(/got 2.5/);
  });

  it("enumerate counts batches as in the accumulation loop", () => {
    const loader = new DataLoader(dataset(6), { batchSize: 2 });
    const seen = [...enumerate(loader)].map(([i, [x]]) => [i, firstColumn(x)[0]]);
    expect(seen).toEqual([[0, 0], [1, 2], [2, 4]]);
    expect([...enumerate(["a", "b"], 1)]).toEqual([[1, "a"], [2, "b"]]);
  });
});

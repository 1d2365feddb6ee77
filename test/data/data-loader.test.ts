import { describe, expect, it } from "vitest";
import { RandomGenerator, manualSeed, tensor, type Tensor } from "../../src/tensor/index.js";
import { DataLoader, TensorDataset, collate, enumerate, len, type Dataset } from "../../src/data/index.js";

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

describe("DataLoader options", () => {
  it("collateFn gets the batch's items and makes the batch, as PyTorch's collate_fn", () => {
    const words: Dataset<string> = { length: 5, get: (i) => ["ab", "c", "def", "g", "hi"][i]! };
    const seen: string[][] = [];
    const loader = new DataLoader(words, {
      batchSize: 2,
      collateFn: (items) => {
        seen.push(items);
        const width = Math.max(...items.map((w) => w.length));
        // Pad to the longest word: a typical reason to write a collate_fn.
        return tensor(items.map((w) => Array.from({ length: width }, (_, k) => (k < w.length ? w.charCodeAt(k) - 96 : 0))));
      },
    });
    const batches = [...loader];
    expect(seen).toEqual([["ab", "c"], ["def", "g"], ["hi"]]);
    expect(batches.map((b) => b.tolist())).toEqual([[[1, 2], [3, 0]], [[4, 5, 6], [7, 0, 0]], [[8, 9]]]);
  });

  it("collateFn is used even when the dataset has a batch fast path", () => {
    const loader = new DataLoader(dataset(4), { batchSize: 2, collateFn: (items) => items.length });
    expect([...loader]).toEqual([2, 2]);
  });

  it("the default collate batches numbers, strings, tuples and objects as PyTorch's default_collate", () => {
    const items: Dataset<{ x: Tensor; label: number; name: string; pair: [number, Tensor] }> = {
      length: 3,
      get: (i) => ({ x: tensor([i, -i]), label: i * 2, name: `n${i}`, pair: [i + 0.5, tensor(i)] }),
    };
    const [batch] = [...new DataLoader(items, { batchSize: 3 })];
    const b = batch as unknown as { x: Tensor; label: Tensor; name: string[]; pair: [Tensor, Tensor] };
    expect(b.x.tolist()).toEqual([[0, -0], [1, -1], [2, -2]]);
    expect(b.label.tolist()).toEqual([0, 2, 4]);
    expect(b.name).toEqual(["n0", "n1", "n2"]);
    expect(b.pair[0].tolist()).toEqual([0.5, 1.5, 2.5]);
    expect(b.pair[1].tolist()).toEqual([0, 1, 2]);
    expect((collate([true, false]) as Tensor).dtype).toBe("bool");
    expect((collate([3, 4]) as Tensor).dtype).toBe("float32");
    expect(() => collate([tensor([1]), 2])).toThrow(/collate: batch mixes a Tensor \(item 0\) and a number \(item 1\)/);
    expect(() => collate([[1, 2], [1]])).toThrow(/each element in batch should be of equal size/);
    expect(() => collate([new Map(), new Map()])).toThrow(/batch has items of type Map, which the default collate cannot batch; pass a collateFn/);
  });

  it("a generator drives the shuffle: same seed, same epochs", () => {
    const epochs = (seed: number) => {
      const loader = new DataLoader(dataset(12), { batchSize: 12, shuffle: true, generator: new RandomGenerator(seed) });
      return [0, 1].map(() => firstColumn([...loader][0]![0]));
    };
    const [a1, a2] = epochs(5);
    expect(a1).not.toEqual(a2);
    expect(epochs(5)).toEqual([a1, a2]);
    expect([...a1!].sort((p, q) => p - q)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it("numWorkers is accepted and changes nothing", () => {
    const a = [...new DataLoader(dataset(6), { batchSize: 4, numWorkers: 2 })].map(([x]) => firstColumn(x));
    expect(a).toEqual([[0, 1, 2, 3], [4, 5]]);
  });

  it("every option is checked: an unknown or misspelt one is an error naming it", () => {
    const bad = (options: object) => () => new DataLoader(dataset(4), options as Record<string, never>);
    expect(bad({ collate_fn: (x: unknown) => x })).toThrow(/DataLoader: unknown option "collate_fn" \(expected batchSize, shuffle, seed, generator, dropLast, collateFn, numWorkers\)/);
    expect(bad({ batch_size: 4 })).toThrow(/unknown option "batch_size"/);
    expect(bad({ pinMemory: true })).toThrow(/unknown option "pinMemory"/);
    expect(bad({ shuffle: "yes" })).toThrow(/shuffle should be true or false, got yes/);
    expect(bad({ dropLast: 1 })).toThrow(/dropLast should be true or false, got 1/);
    expect(bad({ collateFn: 3 })).toThrow(/collateFn should be a function of the batch's items, got number/);
    expect(bad({ generator: 42 })).toThrow(/generator should be a RandomGenerator, got number/);
    expect(bad({ seed: 1, generator: new RandomGenerator() })).toThrow(/give seed or generator, not both/);
    expect(bad({ numWorkers: -1 })).toThrow(/numWorkers should be a non-negative integer, got -1/);
    expect(() => new DataLoader(dataset(4), 64 as unknown as object)).toThrow(/DataLoader: options must be an object, got number/);
  });
});

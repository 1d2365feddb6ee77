import { describe, expect, it } from "vitest";
import { digits, digitsSplitIndices } from "../../src/data/index.js";

describe("digits (UCI handwritten digits shipped in data/)", () => {
  it("has a fixed 1437/360 split covering all 1797 images once", () => {
    const train = digitsSplitIndices("train");
    const test = digitsSplitIndices("test");
    expect(train.length).toBe(1437);
    expect(test.length).toBe(360);
    expect(new Set([...train, ...test]).size).toBe(1797);
    // Pinned so the split cannot drift between versions (rows of data/digits.csv.gz).
    expect(train.slice(0, 5)).toEqual([39, 893, 458, 438, 1227]);
    expect(test.slice(0, 5)).toEqual([808, 1432, 1602, 1150, 391]);
    // Every class is in the test split (28 to 43 images each).
    const [, y] = digits({ split: "test" }).tensors;
    const counts = Array.from({ length: 10 }, (_, k) => [...y.data].filter((v) => v === k).length);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(25);
    expect(digits({ split: "all" }).length).toBe(1797);
  });

  it("gives float32 pixels in [0, 1] and int64 class indices 0..9 (as PyTorch's datasets)", () => {
    const train = digits({ split: "train" });
    const [x, y] = train.tensors;
    expect(x.shape).toEqual([1437, 64]);
    expect(x.dtype).toBe("float32");
    expect(y.shape).toEqual([1437]);
    expect(y.dtype).toBe("int64");
    expect(digits({ split: "test", dtype: "float64" }).tensors.map((t) => t.dtype)).toEqual(["float64", "int64"]);
    expect(Math.min(...x.data)).toBe(0);
    expect(Math.max(...x.data)).toBe(1);
    expect(new Set(y.data)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    // Every pixel is a count 0..16 divided by 16.
    expect([...x.data].every((v) => Number.isInteger(v * 16))).toBe(true);
  });

  it("matches the file's first image (a zero) in `all` order, also as [N, 1, 8, 8]", () => {
    const [x, y] = digits({ split: "all", shape: "image" }).tensors;
    expect(x.shape).toEqual([1797, 1, 8, 8]);
    expect(y.data[0]).toBe(0);
    const firstRow = [...x.data.subarray(0, 8)].map((v) => v * 16);
    expect(firstRow).toEqual([0, 0, 5, 13, 9, 1, 0, 0]);
  });

  it("rejects an unknown split", () => {
    expect(() => digits({ split: "valid" as "train" })).toThrow(/split should be "train", "test" or "all"/);
  });
});

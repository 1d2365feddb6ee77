import { describe, expect, it } from "vitest";
import { formatTensorLike, keptIndices } from "../../src/display/tensor-format.js";
import type { TensorLike } from "../../src/display/structural.js";
import { torchReprCases, type TorchReprCase } from "../support/torch-repr.js";

const cases = torchReprCases();

function fromCase(c: TorchReprCase): TensorLike {
  const data = c.dtype === "float64" ? Float64Array.from(c.values) : Float32Array.from(c.values);
  return { shape: c.shape, dtype: c.dtype, data, requiresGrad: c.requiresGrad, grad: null, gradFn: c.gradFn };
}

describe("formatTensorLike matches PyTorch's printout", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(formatTensorLike(fromCase(c))).toBe(c.repr);
  });
});

describe("summarising", () => {
  it("keeps every index up to 2 × edgeitems and marks the gap past it", () => {
    expect(keptIndices(6, true, 3)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(keptIndices(7, true, 3)).toEqual([0, 1, 2, -1, 4, 5, 6]);
    expect(keptIndices(7, false, 3)).toHaveLength(7);
  });

  it("summarises only past the threshold of 1000 elements", () => {
    const at = (n: number): TensorLike => ({ shape: [n], dtype: "float32", data: new Float32Array(n).fill(1) });
    expect(formatTensorLike(at(1000))).not.toContain("...");
    expect(formatTensorLike(at(1001))).toContain("...");
  });

  // Its printing time is measured in bench/display-render.js.
  it("prints a 1e6-element tensor summarised", () => {
    const data = new Float32Array(1_000_000);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i);
    const text = formatTensorLike({ shape: [1000, 1000], dtype: "float32", data, requiresGrad: true });
    // 3 rows, "...", 3 rows; the suffix wraps to its own line as in PyTorch.
    expect(text.split("\n").filter((line) => line.includes("["))).toHaveLength(6);
    expect(text).toContain("...");
    expect(text.endsWith("requiresGrad=true)")).toBe(true);
  });
});

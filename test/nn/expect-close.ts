// Element-wise comparison of nested arrays against reference numbers, relative above 1, absolute below.
import { expect } from "vitest";
import type { NestedArray } from "../../src/tensor/index.js";

export function flat(x: NestedArray): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x];
}

/** Every |actual − expected| ≤ tol · max(1, |expected|), and the same number of elements. */
export function expectClose(actual: NestedArray, expected: NestedArray, tol: number): void {
  const a = flat(actual);
  const e = flat(expected);
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => expect(Math.abs(v - e[i]!), `element ${i}: ${v} vs ${e[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e[i]!))));
}

// The JSON layout of the op fixtures written by test/fixtures/torch_reference.py's write_cases.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { tensor, type DType, type Tensor } from "../../src/tensor/index.js";
import { gradcheck } from "./gradcheck.js";

export interface JsonTensor {
  shape: number[];
  data: number[];
  requiresGrad?: boolean;
}

/** One expression in one dtype: its inputs, PyTorch's output and the inputs' gradients. */
export interface FixtureCase {
  name: string;
  dtype: DType;
  inputs: Record<string, JsonTensor>;
  output: JsonTensor;
  grads: Record<string, JsonTensor>;
}

/** The cases of test/fixtures/<file>. */
export function loadFixture(file: string): FixtureCase[] {
  return (JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), "utf8")) as { cases: FixtureCase[] }).cases;
}

/** |actual - expected| ≤ tol·max(1, |expected|) elementwise. */
export function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${what}: worst relative error at ${at} (actual ${actual[at]}, expected ${expected[at]})`).toBeLessThanOrEqual(tol);
}

/** The leaves of a case: its inputs as tensors of the case's dtype, requiring grad as in PyTorch. */
function leavesOf(c: FixtureCase): Tensor[] {
  return Object.values(c.inputs).map((v) => tensor(v.data, { dtype: c.dtype, shape: v.shape, requiresGrad: v.requiresGrad === true }));
}

/**
 * One test per case: the expression of the same name gives PyTorch's output and input gradients
 * (1e-10 in float64, 1e-5 in float32), and in float64 its gradients pass finite differences
 * (`finiteDifference` replaces some expressions there: where a gradient is 0 by design, which finite
 * differences cannot see).
 */
export function itMatchesFixture(
  cases: readonly FixtureCase[],
  expressions: Record<string, (...inputs: Tensor[]) => Tensor>,
  opts: { gradcheckTol?: number; finiteDifference?: Record<string, (...inputs: Tensor[]) => Tensor> } = {},
): void {
  it("covers every expression of the fixture", () => {
    expect([...new Set(cases.map((c) => c.name))].sort()).toEqual(Object.keys(expressions).sort());
  });
  for (const c of cases) {
    it(`${c.name} (${c.dtype}) against PyTorch`, () => {
      const tol = c.dtype === "float64" ? 1e-10 : 1e-5;
      const leaves = leavesOf(c);
      const out = expressions[c.name]!(...leaves);
      expect([...out.shape]).toEqual(c.output.shape);
      expect(out.dtype).toBe(c.dtype);
      expectClose(out.data, c.output.data, tol, "output");
      out.backward();
      Object.keys(c.inputs).forEach((k, i) => {
        const g = c.grads[k];
        if (g === undefined) return;
        expect(leaves[i]!.grad, `grad of ${k}`).not.toBeNull();
        expectClose(leaves[i]!.grad!.data, g.data, tol, `grad of ${k}`);
      });
    });
    if (c.dtype === "float64") {
      it(`${c.name} gradients against finite differences`, () => {
        const r = gradcheck(opts.finiteDifference?.[c.name] ?? expressions[c.name]!, leavesOf(c), { tol: opts.gradcheckTol });
        expect(r.ok, r.where).toBe(true);
      });
    }
  }
}

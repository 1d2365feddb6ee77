// The tests every op fixture gets: each expression's value and gradients against PyTorch's (in both
// dtypes), and its gradients against finite differences in float64.
import { expect, it } from "vitest";
import { tensor, type Tensor } from "../../src/tensor/index.js";
import { gradcheck } from "./gradcheck.js";
import { expectClose, type FixtureCase } from "./torch-fixture.js";

/** One fixture expression written with tsgrad: the case's inputs in order, a tensor out. */
export type Expr = (...inputs: Tensor[]) => Tensor;

function leavesOf(c: FixtureCase): Tensor[] {
  return Object.values(c.inputs).map((v) => tensor(v.data, { dtype: c.dtype, shape: v.shape, requiresGrad: v.requiresGrad === true }));
}

/**
 * Registers the tests of `cases` (inside a `describe`): `expressions` must name each case's
 * expression; `finiteDifference` replaces some of them for the gradcheck (where a gradient is 0 by
 * design, which finite differences cannot see).
 */
export function checkCasesAgainstTorch(cases: readonly FixtureCase[], expressions: Record<string, Expr>, finiteDifference: Record<string, Expr> = {}): void {
  it("covers every expression of the fixture", () => {
    expect([...new Set(cases.map((c) => c.name))].sort()).toEqual(Object.keys(expressions).sort());
  });

  for (const c of cases) {
    it(`${c.name} (${c.dtype}) against PyTorch`, () => {
      const tol = c.dtype === "float64" ? 1e-10 : 1e-5;
      const leaves = leavesOf(c);
      const out = expressions[c.name]!(...leaves);
      expect([...out.shape]).toEqual(c.output.shape);
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
        const r = gradcheck(finiteDifference[c.name] ?? expressions[c.name]!, leavesOf(c));
        expect(r.ok, r.where).toBe(true);
      });
    }
  }
}

// Plain SGD (no momentum, weight decay or maximize) runs its own unrolled loop: the same arithmetic,
// θ ← θ − lr·g computed in double and stored in the parameter's dtype, for every length (tails too).
// float32 parameters of 256 elements and more go to the WebAssembly kernel (f64x2 arithmetic), same bits.
import { describe, expect, it } from "vitest";
import { manualSeed, optim, randn } from "../../src/index.js";

describe("SGD without momentum", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const n of [1, 3, 4, 5, 7, 8, 129, 256, 1027, 8192]) {
      it(`${dtype}, ${n} elements: θ − lr·g exactly`, () => {
        manualSeed(n);
        const p = randn([n], { dtype, requiresGrad: true });
        const before = [...p.data];
        p.grad = randn([n], { dtype });
        const g = [...p.grad.data];
        new optim.SGD([p], { lr: 0.1 }).step();
        const round = dtype === "float32" ? Math.fround : (v: number) => v;
        expect([...p.data]).toEqual(before.map((t, i) => round(t - 0.1 * g[i]!)));
      });
    }
  }

  it("matches the general loop (maximize on the negated gradient) on the same parameters", () => {
    manualSeed(1);
    const a = randn([37], { requiresGrad: true });
    const b = a.detach().clone().requiresGrad_();
    a.grad = randn([37]);
    b.grad = a.grad.clone();
    new optim.SGD([a], { lr: 0.3 }).step();
    // maximize with a negated gradient takes the general path and the same values.
    b.grad = b.grad.neg();
    new optim.SGD([b], { lr: 0.3, maximize: true }).step();
    expect([...a.data]).toEqual([...b.data]);
  });
});

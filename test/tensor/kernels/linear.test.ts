// linear(x, W, b) against its reference, the composition x·Wᵀ + b, through both backends (bit for bit
// in test/nn/fused.test.ts), with node names and gradients checked by finite differences.
import { afterEach, describe, expect, it } from "vitest";
import { ShapeError, getBackend, linear, manualSeed, randn, setBackend, type Tensor } from "../../../src/tensor/index.js";
import { gradcheck } from "../gradcheck.js";

const initial = getBackend();
afterEach(() => setBackend(initial));

function maxAbsDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let m = 0;
  for (let i = 0; i < a.numel(); i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  return m;
}

describe("linear", () => {
  for (const backend of ["js", "wasm"] as const) {
    for (const [shape, withBias] of [[[32, 64], true], [[7, 3, 5], true], [[9, 13], false], [[13], true]] as const) {
      it(`equals x·Wᵀ + b exactly for input (${shape}), bias=${withBias}, backend ${backend}: values and gradients`, () => {
        setBackend(backend);
        manualSeed(29);
        const inF = shape[shape.length - 1]!;
        const make = (): Tensor[] => {
          manualSeed(31);
          return [randn([...shape]).requiresGrad_(), randn([6, inF]).requiresGrad_(), randn([6]).requiresGrad_()];
        };
        const [x1, w1, b1] = make() as [Tensor, Tensor, Tensor];
        const y1 = linear(x1, w1, withBias ? b1 : null);
        y1.mul(y1).sum().backward();
        const [x2, w2, b2] = make() as [Tensor, Tensor, Tensor];
        const m = x2.matmul(w2.T);
        const y2 = withBias ? m.add(b2) : m;
        y2.mul(y2).sum().backward();
        expect(maxAbsDiff(y1, y2)).toBe(0);
        expect(maxAbsDiff(x1.grad!, x2.grad!)).toBe(0);
        expect(maxAbsDiff(w1.grad!, w2.grad!)).toBe(0);
        if (withBias) expect(maxAbsDiff(b1.grad!, b2.grad!)).toBe(0);
        else expect(b1.grad).toBeNull();
      });
    }
  }

  it("names the fused node as PyTorch 1.13 does, and leaves other inputs to the composition's nodes", () => {
    setBackend("wasm");
    const w = randn([3, 4]).requiresGrad_();
    const b = randn([3]).requiresGrad_();
    expect(linear(randn([2, 4]), w, b).gradFn).toBe("AddmmBackward0");
    expect(linear(randn([2, 4]), w).gradFn).toBe("MmBackward0");
    // More dims fold into the rows of the same node, viewed back, as PyTorch 1.13 folds them.
    expect(linear(randn([5, 2, 4]), w, b).gradFn).toBe("ViewBackward0");
    expect(linear(randn([5, 2, 4]), w).gradFn).toBe("UnsafeViewBackward0");
    expect(linear(randn([5, 2, 3, 4]), w, b).gradFn).toBe("AddBackward0");
    setBackend("js");
    expect(linear(randn([2, 4]), w, b).gradFn).toBe("AddBackward0");
  });

  it("passes gradcheck in float64", () => {
    manualSeed(37);
    const x = randn([2, 3, 4], { dtype: "float64", requiresGrad: true });
    const w = randn([5, 4], { dtype: "float64", requiresGrad: true });
    const b = randn([5], { dtype: "float64", requiresGrad: true });
    expect(gradcheck((xi, wi, bi) => linear(xi!, wi!, bi!), [x, w, b]).ok).toBe(true);
  });

  it("keeps float64 when any operand is float64", () => {
    const y = linear(randn([2, 4]), randn([3, 4], { dtype: "float64" }), randn([3]));
    expect(y.dtype).toBe("float64");
  });

  it("names the shapes that do not fit", () => {
    expect(() => linear(randn([2, 5]), randn([3, 4]))).toThrow(ShapeError);
    expect(() => linear(randn([2, 5]), randn([3, 4]))).toThrow("linear: input of shape (2x5) has 5 features, weight (3x4) expects 4");
    expect(() => linear(randn([2, 4]), randn([3, 4]), randn([4]))).toThrow("linear: bias must have shape (3), got (4)");
  });
});

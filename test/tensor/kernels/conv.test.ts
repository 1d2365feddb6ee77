// conv2d and maxPool2d in the WebAssembly SIMD module against the reference loops ("js" backend,
// float64 sums), and nn.Sequential's Conv2d → ReLU (→ MaxPool2d) block against the modules one by one.
import { afterEach, describe, expect, it } from "vitest";
import { adaptiveAvgPool2d, avgPool2d, conv2d, getBackend, manualSeed, maxPool2d, nn, randn, setBackend, tensor, type Backend, type Tensor } from "../../../src/index.js";

const initial = getBackend();
afterEach(() => setBackend(initial));

/** Output and the gradients of Σ out ⊙ R for fresh copies of `inputs` (R fixed by `seed`), on `backend`. */
function run(backend: Backend, f: (...xs: Tensor[]) => Tensor, inputs: readonly (Tensor | null)[], seed: number): (Tensor | null)[] {
  setBackend(backend);
  const xs = inputs.map((t) => (t === null ? null : t.detach().clone().requiresGrad_()));
  const y = f(...(xs as Tensor[]));
  manualSeed(seed);
  y.backward(randn([...y.shape], { dtype: y.dtype }));
  return [y.detach(), ...xs.map((x) => x?.grad ?? null)];
}

/** max |a − b| ≤ tol · max(1, max |b|): float32 sums in another order than the float64 reference. */
function expectNear(a: Tensor | null, b: Tensor | null, tol: number, what: string): void {
  expect(a === null, what).toBe(b === null);
  if (a === null || b === null) return;
  expect(a.shape, what).toEqual(b.shape);
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < a.numel(); i++) {
    diff = Math.max(diff, Math.abs(a.data[i]! - b.data[i]!));
    scale = Math.max(scale, Math.abs(b.data[i]!));
  }
  expect(diff / scale, `${what}: max difference ${diff} at scale ${scale}`).toBeLessThanOrEqual(tol);
}

/** Element by element with Object.is: the same bits (−0 ≠ 0, NaN = NaN). */
function expectSameBits(a: Tensor | null, b: Tensor | null, what: string): void {
  expect(a === null, what).toBe(b === null);
  if (a === null || b === null) return;
  expect(a.shape, what).toEqual(b.shape);
  const first = [...a.data].findIndex((v, i) => !Object.is(v, b.data[i]));
  expect(first, `${what}: element ${first} is ${a.data[first]}, expected ${b.data[first]}`).toBe(-1);
}

type Pair = number | [number, number];
// [input shape, weight shape, stride, padding]: the digits CNN's and the wide CNN's layers, then odd
// sizes, rectangular kernels, strides, a K past the 256-deep block, a row wider than a block, one channel.
const CONVS: [number[], number[], Pair, Pair][] = [
  [[64, 1, 8, 8], [16, 1, 3, 3], 1, 1],
  [[64, 16, 4, 4], [32, 16, 3, 3], 1, 1],
  [[4, 1, 28, 28], [32, 1, 3, 3], 1, 1],
  [[2, 32, 14, 14], [64, 32, 3, 3], 1, 1],
  [[2, 3, 9, 8], [5, 3, 3, 2], [2, 1], 1],
  [[3, 5, 7, 11], [7, 5, 2, 3], 1, 0],
  [[1, 1, 1, 1], [1, 1, 1, 1], 1, 0],
  [[2, 300, 5, 5], [3, 300, 3, 3], 2, [2, 1]],
  [[2, 3, 6, 6], [6, 3, 3, 3], 3, 2],
  [[4, 2, 10, 13], [9, 2, 1, 5], [1, 3], [0, 2]],
  [[1, 2, 3, 300], [5, 2, 3, 3], 1, 1],
  [[2, 4, 5, 5], [3, 4, 5, 5], 1, 0],
];

describe("conv2d, float32: the SIMD module against the reference loops", () => {
  CONVS.forEach(([xs, ws, stride, padding], k) => {
    for (const bias of [true, false]) {
      it(`input ${xs.join("×")}, weight ${ws.join("×")}, stride ${stride}, padding ${padding}${bias ? "" : ", no bias"}: values and all gradients within 1e-6`, () => {
        manualSeed(k);
        const inputs = [randn(xs), randn(ws), bias ? randn([ws[0]!]) : null];
        const f = (x: Tensor, w: Tensor, b: Tensor | null): Tensor => conv2d(x, w, b, { stride, padding });
        const fast = run("wasm", f, inputs, 5);
        const ref = run("js", f, inputs, 5);
        ["output", "input gradient", "weight gradient", "bias gradient"].forEach((what, i) => expectNear(fast[i]!, ref[i]!, 1e-6, what));
      });
    }
  });

  it("refuses integer and bool tensors as PyTorch does, naming the argument", () => {
    const x = randn([1, 1, 4, 4]);
    const w = randn([2, 1, 3, 3]);
    expect(() => conv2d(x.long(), w)).toThrow(/conv2d: input has dtype int64, but conv2d is implemented for float32 and float64 only/);
    expect(() => conv2d(x, w.int())).toThrow(/conv2d: weight has dtype int32/);
    expect(() => conv2d(x, w, randn([2]).bool())).toThrow(/conv2d: bias has dtype bool/);
    expect(() => maxPool2d(x.long(), 2)).toThrow(/maxPool2d: input has dtype int64/);
    expect(() => avgPool2d(x.bool(), 2)).toThrow(/avgPool2d: input has dtype bool/);
    expect(() => adaptiveAvgPool2d(x.int(), 1)).toThrow(/adaptiveAvgPool2d: input has dtype int32/);
  });

  it("computes only the gradients asked for (an input without requiresGrad gets none)", () => {
    setBackend("wasm");
    manualSeed(1);
    const x = randn([2, 3, 5, 5]);
    const w = randn([4, 3, 3, 3], { requiresGrad: true });
    const b = randn([4], { requiresGrad: true });
    conv2d(x, w, b, { padding: 1 }).sum().backward();
    expect(x.grad).toBeNull();
    const wRef = w.grad!.clone();
    setBackend("js");
    w.grad = null;
    conv2d(x, w, b, { padding: 1 }).sum().backward();
    expectNear(wRef, w.grad, 1e-6, "weight gradient");
  });

  it("float64 stays on the reference loops: the same bits under both backends", () => {
    manualSeed(2);
    const inputs = [randn([2, 3, 6, 5], { dtype: "float64" }), randn([4, 3, 3, 3], { dtype: "float64" }), randn([4], { dtype: "float64" })];
    const f = (x: Tensor, w: Tensor, b: Tensor | null): Tensor => conv2d(x, w, b, { padding: 1 });
    const a = run("wasm", f, inputs, 3);
    const b = run("js", f, inputs, 3);
    expect(a[0]!.dtype).toBe("float64");
    a.forEach((t, i) => expectSameBits(t, b[i]!, `result ${i}`));
  });
});

// [input shape, kernel, stride, padding]
const POOLS: [number[], Pair, Pair | null, Pair][] = [
  [[64, 16, 8, 8], 2, null, 0],
  [[64, 32, 4, 4], 2, null, 0],
  [[4, 32, 28, 28], 2, null, 0],
  [[4, 64, 14, 14], 2, null, 0],
  [[3, 5, 7, 9], 2, null, 0],
  [[2, 3, 9, 8], 3, 1, 1],
  [[2, 3, 9, 8], [3, 2], [2, 1], [1, 0]],
  [[5, 6, 6], 2, 2, 1],
];

describe("maxPool2d, float32: the SIMD module against the reference loops, bit for bit", () => {
  POOLS.forEach(([xs, kernel, stride, padding], k) => {
    it(`input ${xs.join("×")}, kernel ${kernel}, stride ${stride ?? kernel}, padding ${padding}: values and gradient`, () => {
      manualSeed(10 + k);
      // Rounded values make ties common; ties must pick the same (first) element on both paths.
      const x = tensor(Float32Array.from(randn(xs).data, (v) => Math.round(2 * v)), { shape: xs });
      const f = (t: Tensor): Tensor => maxPool2d(t, kernel, stride, padding);
      const fast = run("wasm", f, [x], 7);
      const ref = run("js", f, [x], 7);
      fast.forEach((t, i) => expectSameBits(t, ref[i]!, i === 0 ? "output" : "input gradient"));
    });
  });

  it("NaN wins its window and −∞ is a value like any other (PyTorch's rule), on both paths", () => {
    const x = tensor([[[
      [NaN, 1, 2, 3, -Infinity, -Infinity],
      [4, NaN, 5, 0, -Infinity, -Infinity],
    ]]]);
    for (const backend of ["wasm", "js"] as const) {
      setBackend(backend);
      const xg = x.detach().clone().requiresGrad_();
      const y = maxPool2d(xg, 2);
      expect([...y.data], backend).toEqual([NaN, 5, -Infinity]);
      y.sum().backward(undefined);
      // The last NaN of the first window wins; a window of −∞ sends the gradient to its first element.
      expect([...xg.grad!.data], backend).toEqual([0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0]);
    }
  });
});

describe("nn.Sequential's Conv2d → ReLU → MaxPool2d block", () => {
  /** The block's modules run one by one (what Sequential does without the fast path). */
  const oneByOne = (modules: nn.Module[], x: Tensor): Tensor => modules.reduce((t, m) => m.forward(t), x);

  const blocks: [string, () => nn.Module[], number[]][] = [
    ["digits layer 1", () => [new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2)], [64, 1, 8, 8]],
    ["digits layer 2", () => [new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2)], [64, 16, 4, 4]],
    ["odd sizes, overlapping windows", () => [new nn.Conv2d(3, 5, [3, 2], { stride: [1, 2], padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(3, { stride: 2, padding: 1 })], [3, 3, 9, 11]],
    ["conv and relu only", () => [new nn.Conv2d(2, 6, 3), new nn.ReLU()], [2, 2, 7, 7]],
    ["no bias", () => [new nn.Conv2d(2, 4, 3, { bias: false }), new nn.ReLU(), new nn.MaxPool2d(2)], [2, 2, 6, 6]],
    // kw·C a multiple of 4: the input gradient is summed over the maxima too, here with windows overlapping.
    ["4 channels, strided conv, overlapping windows", () => [new nn.Conv2d(4, 3, 3, { stride: [2, 1], padding: [0, 1] }), new nn.ReLU(), new nn.MaxPool2d(3, { stride: 2, padding: 1 })], [2, 4, 9, 10]],
    ["wide CNN layer 2", () => [new nn.Conv2d(32, 64, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2)], [2, 32, 14, 14]],
  ];
  blocks.forEach(([label, make, xs], k) => {
    const pooled = make().length === 3;
    const claim = pooled
      ? "output bit for bit; gradients (summed over the windows' maxima only) within 1e-6 of the modules one by one and of the float64 reference"
      : "output and gradients equal the modules one by one, bit for bit";
    it(`${label}: ${claim}`, () => {
      setBackend("wasm");
      manualSeed(20 + k);
      const modules = make();
      const seq = new nn.Sequential(...modules);
      const x = randn(xs).mul(0.5).detach().requiresGrad_();
      const y = seq.forward(x);
      expect(y.gradFn).toBe(pooled ? "MaxPool2DWithIndicesBackward0" : "ReluBackward0");
      const g = randn([...y.shape]);
      y.backward(g);
      const grads = [x.grad, ...seq.parameters().map((p) => p.grad)];
      const again = (sameBits: boolean): (Tensor | null)[] => {
        x.grad = null;
        seq.zeroGrad();
        const ref = oneByOne(modules, x);
        ref.backward(g);
        if (sameBits) expectSameBits(y, ref, "output");
        else expectNear(y, ref, 1e-6, "output against the float64 reference");
        return [x.grad, ...seq.parameters().map((p) => p.grad)];
      };
      const separate = again(true);
      setBackend("js");
      const reference = again(false);
      grads.forEach((gr, i) => {
        if (pooled) {
          expectNear(gr, separate[i]!, 1e-6, `gradient ${i} against the modules one by one`);
          expectNear(gr, reference[i]!, 1e-6, `gradient ${i} against the float64 reference`);
        } else {
          expectSameBits(gr, separate[i]!, `gradient ${i}`);
        }
      });
    });
  });

  it("is left to the modules one by one for float64, on the js backend, and for subclasses", () => {
    manualSeed(30);
    const make = (dtype: "float32" | "float64"): nn.Sequential => new nn.Sequential(new nn.Conv2d(1, 2, 3, { dtype }), new nn.ReLU(), new nn.MaxPool2d(2));
    const x = randn([2, 1, 6, 6], { requiresGrad: true });
    setBackend("wasm");
    expect(make("float64").forward(randn([2, 1, 6, 6], { dtype: "float64", requiresGrad: true })).gradFn).toBe("MaxPool2DWithIndicesBackward0");
    class LoudReLU extends nn.ReLU {
      override forward(t: Tensor): Tensor {
        return t.relu().mul(2);
      }
    }
    const custom = new nn.Sequential(new nn.Conv2d(1, 2, 3), new LoudReLU());
    expect(custom.forward(x).gradFn).toBe("MulBackward0");
    setBackend("js");
    const seq = make("float32");
    const y = seq.forward(x);
    expect(y.gradFn).toBe("MaxPool2DWithIndicesBackward0");
    setBackend("wasm");
    expectNear(seq.forward(x), y, 1e-6, "wasm block against the js modules");
  });
});

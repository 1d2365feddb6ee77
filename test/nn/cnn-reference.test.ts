// The CNN layers against PyTorch 1.13 (test/fixtures/torch_cnn_reference.py): BatchNorm2d, AvgPool2d,
// AdaptiveAvgPool2d in float64, a small digits CNN in float32 on both backends, gradients also against
// finite differences; Dropout2d by its properties (its mask comes from tsgrad's own RNG).
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { adaptiveAvgPool2d, avgPool2d, getBackend, manualSeed, ones, randn, setBackend, tensor, type NestedArray, type Tensor } from "../../src/tensor/index.js";
import {
  AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, CrossEntropyLoss, Dropout2d, Flatten, Linear, MaxPool2d, ReLU, Sequential,
  type BatchNormOptions,
} from "../../src/nn/index.js";
import { gradcheck } from "../tensor/gradcheck.js";
import { expectClose } from "./expect-close.js";

interface BatchNormCase {
  options: { eps?: number; momentum?: number | null; affine?: boolean };
  weight: number[] | null;
  bias: number[] | null;
  input: NestedArray;
  R: NestedArray;
  output: NestedArray;
  inputGrad: NestedArray;
  weightGrad: number[] | null;
  biasGrad: number[] | null;
  second: NestedArray;
  secondOutput: NestedArray;
  runningMean: number[];
  runningVar: number[];
  numBatchesTracked: number;
  evalInput: NestedArray;
  evalOutput: NestedArray;
}
interface PoolCase {
  kind: "avg" | "adaptive";
  options: {
    kernel_size?: number | [number, number]; stride?: number | [number, number]; padding?: number | [number, number];
    count_include_pad?: boolean; divisor_override?: number; output_size?: number | [number | null, number | null];
  };
  input: NestedArray;
  R: NestedArray;
  output: NestedArray;
  inputGrad: NestedArray;
}
interface Reference {
  batchnorm2d: BatchNormCase[];
  pools: PoolCase[];
  digitsCnn: { params: Record<string, NestedArray>; scale: number; input: NestedArray; target: number[]; loss: number; grads: Record<string, NestedArray> };
}
const ref = JSON.parse(readFileSync(new URL("../fixtures/torch_cnn_reference.json", import.meta.url), "utf8")) as Reference;

const f64 = (x: NestedArray, requiresGrad = false): Tensor => tensor(x, { dtype: "float64", requiresGrad });
const TOL = 1e-10;

const initial = getBackend();
afterEach(() => setBackend(initial));

describe("BatchNorm2d against PyTorch", () => {
  it.each(ref.batchnorm2d.map((c) => [JSON.stringify(c.options), c] as const))("%s: training output, gradients, running statistics, eval output", (_n, c) => {
    const options: BatchNormOptions = { ...c.options, dtype: "float64" };
    const bn = new BatchNorm2d(3, options);
    if (c.weight !== null) bn.loadStateDict({ ...bn.stateDict(), weight: f64(c.weight), bias: f64(c.bias!) });
    const x = f64(c.input, true);
    const y = bn.forward(x);
    expectClose(y.tolist(), c.output, TOL);
    y.mul(f64(c.R)).sum().backward();
    expectClose(x.grad!.tolist(), c.inputGrad, TOL);
    if (c.weightGrad !== null) {
      expectClose(bn.weight!.grad!.tolist(), c.weightGrad, TOL);
      expectClose(bn.bias!.grad!.tolist(), c.biasGrad!, TOL);
    }
    expectClose(bn.forward(f64(c.second)).tolist(), c.secondOutput, TOL);
    expectClose(bn.runningMean!.tolist(), c.runningMean, TOL);
    expectClose(bn.runningVar!.tolist(), c.runningVar, TOL);
    expect(bn.numBatchesTracked!.item()).toBe(c.numBatchesTracked);
    bn.eval();
    expectClose(bn.forward(f64(c.evalInput)).tolist(), c.evalOutput, TOL);
  });

  it("names the expected shape when given another rank or channel count", () => {
    const bn = new BatchNorm2d(3);
    expect(() => bn.forward(randn([2, 3, 4]))).toThrow(/BatchNorm2d: expected input of shape \(N x 3 x H x W\), got \(2x3x4\)/);
    expect(() => bn.forward(randn([2, 4, 3, 3]))).toThrow(/BatchNorm2d: expected input of shape/);
    expect(() => bn.forward(randn([1, 3, 1, 1]))).toThrow(/more than 1 value per channel/);
  });

  it("gradients match finite differences", () => {
    manualSeed(4);
    const bn = new BatchNorm2d(2, { dtype: "float64" });
    const x = randn([3, 2, 2, 3], { dtype: "float64", requiresGrad: true });
    const r = gradcheck((t, w, b) => {
      bn.weight = w!;
      bn.bias = b!;
      return bn.forward(t!);
    }, [x, randn([2], { dtype: "float64", requiresGrad: true }), randn([2], { dtype: "float64", requiresGrad: true })]);
    expect(r.worst, r.where).toBeLessThan(1e-6);
  });
});

describe("AvgPool2d and AdaptiveAvgPool2d against PyTorch", () => {
  it.each(ref.pools.map((c) => [`${c.kind} ${JSON.stringify(c.options)}`, c] as const))("%s: output and input gradient", (_n, c) => {
    const o = c.options;
    const layer = c.kind === "avg"
      ? new AvgPool2d(o.kernel_size!, { stride: o.stride, padding: o.padding, countIncludePad: o.count_include_pad, divisorOverride: o.divisor_override })
      : new AdaptiveAvgPool2d(o.output_size!);
    const x = f64(c.input, true);
    const y = layer.forward(x);
    expect(y.gradFn).toBe(c.kind === "avg" ? "AvgPool2DBackward0" : "AdaptiveAvgPool2DBackward0");
    expectClose(y.tolist(), c.output, TOL);
    y.mul(f64(c.R)).sum().backward();
    expectClose(x.grad!.tolist(), c.inputGrad, TOL);
  });

  it("gradients match finite differences (padding, overlapping and uneven adaptive windows)", () => {
    manualSeed(5);
    const x = randn([2, 2, 5, 7], { dtype: "float64", requiresGrad: true });
    for (const f of [
      (t: Tensor) => avgPool2d(t, 3, 2, 1),
      (t: Tensor) => avgPool2d(t, [2, 3], 1, [1, 1], { countIncludePad: false }),
      (t: Tensor) => adaptiveAvgPool2d(t, [3, 4]),
    ]) {
      const r = gradcheck((t) => f(t!), [x]);
      expect(r.worst, r.where).toBeLessThan(1e-6);
    }
  });

  it("rejects bad arguments with the argument named", () => {
    const x = randn([1, 1, 4, 4]);
    expect(() => avgPool2d(x, 2, 2, 2)).toThrow(/avgPool2d: pad should be at most half of kernel size/);
    expect(() => avgPool2d(randn([4, 4]), 2)).toThrow(/avgPool2d: input must be 3-D \(C, H, W\) or 4-D/);
    expect(() => avgPool2d(x, 5)).toThrow(/avgPool2d: kernel 5x5 is larger than the padded input 4x4/);
    expect(() => avgPool2d(x, 2, 2, 0, { divisorOverride: 0 })).toThrow(/divisorOverride must be a non-zero integer/);
    expect(() => adaptiveAvgPool2d(x, 0)).toThrow(/adaptiveAvgPool2d: outputSize must be a positive integer/);
    expect(() => adaptiveAvgPool2d(x, [2, 2, 2] as unknown as [number, number])).toThrow(/outputSize/);
  });
});

describe("the digits CNN (8 and 16 channels) in float32 against PyTorch", () => {
  for (const backend of ["wasm", "js"] as const) {
    it(`${backend}: loss and every parameter's gradient within 1e-5`, () => {
      setBackend(backend);
      const c = ref.digitsCnn;
      const model = new Sequential(
        new Conv2d(1, 8, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
        new Conv2d(8, 16, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(64, 10),
      );
      const state = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, tensor(v).mul(c.scale)]));
      model.loadStateDict(state);
      const out = model.forward(tensor(c.input));
      const loss = new CrossEntropyLoss().forward(out, tensor(c.target));
      expectClose([loss.item()], [c.loss], 1e-5);
      loss.backward();
      for (const [name, p] of model.namedParameters()) expectClose(p.grad!.tolist(), c.grads[name]!, 1e-5);
    });
  }
});

describe("Dropout2d", () => {
  it("zeroes whole channels with probability p and scales the rest by 1/(1 − p); the gradient uses the same mask", () => {
    manualSeed(6);
    const x = randn([20, 50, 3, 2], { requiresGrad: true });
    const y = new Dropout2d(0.3).forward(x);
    y.sum().backward();
    let dropped = 0;
    for (let k = 0; k < 20 * 50; k++) {
      const plane = [...y.data.subarray(k * 6, k * 6 + 6)];
      const xs = [...x.data.subarray(k * 6, k * 6 + 6)];
      const g = [...x.grad!.data.subarray(k * 6, k * 6 + 6)];
      if (plane.every((v) => v === 0)) {
        dropped++;
        expect(g).toEqual([0, 0, 0, 0, 0, 0]);
      } else {
        plane.forEach((v, i) => expect(v).toBeCloseTo(xs[i]! / 0.7, 5));
        g.forEach((v) => expect(v).toBeCloseTo(1 / 0.7, 5));
      }
    }
    // 1000 channels, p = 0.3: 300 ± 4.3 standard deviations of 14.5.
    expect(dropped).toBeGreaterThan(237);
    expect(dropped).toBeLessThan(363);
  });

  it("is the identity in eval mode and for p = 0, zero for p = 1, and takes only [N, C, H, W]", () => {
    const x = randn([2, 3, 2, 2]);
    const d = new Dropout2d(0.5);
    d.eval();
    expect(d.forward(x)).toBe(x);
    expect(new Dropout2d(0).forward(x)).toBe(x);
    expect([...new Dropout2d(1).forward(ones([2, 3, 2, 2])).data].every((v) => v === 0)).toBe(true);
    expect(() => new Dropout2d(1.5)).toThrow(/Dropout2d: probability has to be between 0 and 1, but got 1.5/);
    expect(() => new Dropout2d().forward(randn([3, 2, 2]))).toThrow(/dropout2d: input must be 4-D \(N, C, H, W\), got shape \(3x2x2\); for one image use input.unsqueeze\(0\)/);
  });
});

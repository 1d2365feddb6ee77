import { describe, expect, it } from "vitest";
import { tensor, type Tensor } from "../../src/tensor/index.js";
import { GradientAccumulator, SGD, type AccumulationStep } from "../../src/optim/index.js";

/** A one-parameter model whose loss for micro-batch value v is w·v, so its gradient is v. */
function setup(steps: number, clipNorm?: number) {
  const w = tensor([0, 0], { requiresGrad: true, dtype: "float64" });
  const seen: AccumulationStep[] = [];
  const optimizer = new SGD([w], { lr: 1 });
  const acc = new GradientAccumulator({ optimizer, steps, clipNorm, onStep: (s) => seen.push(s) });
  const loss = (v: number[]): Tensor => w.mul(tensor(v, { dtype: "float64" })).sum();
  return { w, acc, seen, loss };
}

describe("GradientAccumulator", () => {
  it("steps and zeroes every `steps` micro-batches with the mean gradient", () => {
    const { w, acc, seen, loss } = setup(3);
    expect(acc.backward(loss([3, 0]), 16)).toBe(false);
    expect([acc.microBatch, acc.pendingMicroBatches, acc.optimizerSteps]).toEqual([1, 1, 0]);
    expect(w.grad!.tolist()).toEqual([1, 0]); // scaled by 1/3 already
    acc.backward(loss([6, 3]), 16);
    expect(w.tolist()).toEqual([0, 0]);
    expect(acc.backward(loss([0, 3]), 16)).toBe(true);
    // mean gradient [3, 2]; SGD with lr 1
    expect(w.tolist()).toEqual([-3, -2]);
    expect(w.grad).toBeNull();
    expect([acc.microBatch, acc.pendingMicroBatches, acc.optimizerSteps]).toEqual([3, 0, 1]);
    expect(acc.effectiveBatchSize).toBe(48);
    expect(acc.lastGradNorm).toBeCloseTo(Math.sqrt(13), 12);
    expect(seen).toEqual([{ optimizerSteps: 1, microBatches: 3, samples: 48, gradNorm: acc.lastGradNorm, lr: 1 }]);
    expect(acc.lr).toBe(1);
  });

  it("flush() applies a trailing partial window as the mean over its k micro-batches", () => {
    const { w, acc, seen, loss } = setup(4);
    acc.backward(loss([2, 0]));
    acc.backward(loss([4, 2]));
    expect(acc.flush()).toBe(true);
    // mean over 2, not over 4: [3, 1]
    expect(w.tolist()).toEqual([-3, -1]);
    expect(seen[0]!.microBatches).toBe(2);
    expect(acc.flush()).toBe(false);
    expect(acc.optimizerSteps).toBe(1);
  });

  it("clips the accumulated gradient and reports the norm before clipping", () => {
    const { w, acc, loss } = setup(2, 1);
    acc.backward(loss([6, 8]));
    acc.backward(loss([6, 8]));
    expect(acc.lastGradNorm).toBeCloseTo(10, 12);
    const [w0, w1] = w.tolist() as number[];
    expect(w0).toBeCloseTo(-0.6, 6);
    expect(w1).toBeCloseTo(-0.8, 6);
  });

  it("discards gradients left from before it was created", () => {
    const w = tensor([1], { requiresGrad: true });
    w.grad = tensor([100]);
    new GradientAccumulator({ optimizer: new SGD([w], { lr: 1 }), steps: 2 });
    expect(w.grad).toBeNull();
  });

  it("rejects bad settings and a non-scalar loss", () => {
    const { acc, w } = setup(2);
    expect(() => acc.backward(w.mul(2))).toThrow(/loss should be a scalar, got shape \(2\)/);
    expect(() => acc.backward(w.sum(), 0)).toThrow(/batchSize should be a positive integer, got 0/);
    expect(() => new GradientAccumulator({ optimizer: acc.optimizer, steps: 0 })).toThrow(/steps should be a positive integer, got 0/);
    expect(() => new GradientAccumulator({ optimizer: acc.optimizer, steps: 2, clipNorm: -1 })).toThrow(/clipNorm should be a positive number/);
  });
});

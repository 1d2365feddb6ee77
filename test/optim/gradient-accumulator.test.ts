import { describe, expect, it, vi } from "vitest";
import { memory, tensor, type Tensor } from "../../src/tensor/index.js";
import { GradientAccumulator, SGD, StepLR, type AccumulationStep, type GradientAccumulatorOptions } from "../../src/optim/index.js";

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
    expect(acc.windowItems).toBe(48);
    expect(acc.lastGradNorm).toBeCloseTo(Math.sqrt(13), 12);
    expect(seen).toEqual([{ optimizerSteps: 1, microBatches: 3, items: 48, gradNorm: acc.lastGradNorm, lr: 1 }]);
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
    expect(() => new GradientAccumulator({ optimizer: acc.optimizer, steps: 0 })).toThrow(/steps should be a positive integer, got 0/);
    expect(() => new GradientAccumulator({ optimizer: acc.optimizer, steps: 2, clipNorm: -1 })).toThrow(/clipNorm should be a positive number/);
  });
});

/** Parameters and a loss whose gradient for micro-batch `v` (items with values v_j) is the mean or sum of v. */
function itemModel(opts: Partial<GradientAccumulatorOptions> = {}, steps = 3) {
  const w = tensor([0], { requiresGrad: true, dtype: "float64" });
  const seen: AccumulationStep[] = [];
  const acc = new GradientAccumulator({ optimizer: new SGD([w], { lr: 1 }), steps, onStep: (s) => seen.push(s), ...opts });
  const items = (v: number[]): Tensor => w.mul(tensor(v, { dtype: "float64" }));
  return { w, acc, seen, mean: (v: number[]) => items(v).mean(), sum: (v: number[]) => items(v).sum() };
}

describe("GradientAccumulator with counts: the mean over every item of the window", () => {
  it("uneven micro-batches: each step applies the mean over all its items, not the mean of means", () => {
    const { w, acc, seen, mean } = itemModel();
    acc.backward(mean([1, 1, 1]), 3);
    acc.backward(mean([4]), 1);
    expect(acc.windowItems).toBe(4);
    expect(acc.effectiveBatchSize).toBeNull();
    acc.backward(mean([10, 10]), 2);
    // (1+1+1+4+10+10)/6 = 4.5; the mean of means would be (1+4+10)/3 = 5
    expect(w.item()).toBeCloseTo(-4.5, 12);
    expect(acc.lastGradNorm).toBeCloseTo(4.5, 12);
    expect(seen).toEqual([{ optimizerSteps: 1, microBatches: 3, items: 6, gradNorm: acc.lastGradNorm, lr: 1 }]);
    expect([acc.effectiveBatchSize, acc.windowItems, acc.microBatch]).toEqual([6, 6, 3]);
  });

  it("equal counts back-propagate exactly loss / steps (the same bits as the article's loop)", () => {
    const a = itemModel({}, 4);
    const b = tensor([0], { requiresGrad: true, dtype: "float64" });
    const values = [[0.1, 0.7], [0.3, 1.9], [2.2, 0.01], [5.5, 0.3]];
    for (const v of values) {
      a.acc.backward(a.mean(v), 2);
      b.mul(tensor(v, { dtype: "float64" })).mean().div(4).backward();
    }
    expect(a.w.item()).toBe(-b.grad!.item());
  });

  it("flush() of a partial window with a short last micro-batch takes the mean over its items", () => {
    const { w, acc, seen, mean } = itemModel({}, 4);
    acc.backward(mean([2, 2]), 2);
    acc.backward(mean([8]), 1);
    expect(acc.flush()).toBe(true);
    expect(w.item()).toBeCloseTo(-4, 12); // (2+2+8)/3
    expect(seen[0]).toMatchObject({ microBatches: 2, items: 3 });
    expect(acc.flush()).toBe(false);
  });

  it('reduction "sum": the loss is the sum over count items, divided by the window\'s total', () => {
    const { w, acc, sum } = itemModel({ reduction: "sum" }, 2);
    acc.backward(sum([1, 2, 3]), 3);
    acc.backward(sum([10]), 1);
    expect(w.item()).toBeCloseTo(-4, 12); // 16 / 4
    expect(() => acc.backward(sum([1]))).toThrow(/count is required with reduction "sum"/);
  });

  it("a micro-batch with count 0 (its mean is NaN) contributes nothing; a window with 0 items takes no step and says so", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const before = memory.savedBytes();
      const { w, acc, seen, mean } = itemModel({}, 2);
      // Every item masked: exp saves its output for backward, and the mean divides 0 by 0.
      const mask = tensor([0, 0], { dtype: "float64" });
      const masked = w.mul(tensor([1, 2], { dtype: "float64" })).exp().mul(mask).sum().div(mask.sum());
      expect(memory.savedBytes()).toBeGreaterThan(before);
      expect(Number.isNaN(masked.item())).toBe(true);
      acc.backward(masked, 0);
      acc.backward(mean([3, 5]), 2);
      expect(w.item()).toBeCloseTo(-4, 12);
      expect(seen.at(-1)).toMatchObject({ items: 2, microBatches: 2 });
      expect(acc.backward(mean([]), 0)).toBe(false);
      expect(acc.backward(mean([]), 0)).toBe(false);
      expect([acc.optimizerSteps, acc.skippedWindows, acc.pendingMicroBatches, acc.windowItems]).toEqual([1, 1, 0, 0]);
      expect(w.item()).toBeCloseTo(-4, 12);
      expect(w.grad).toBeNull();
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/window of 2 micro-batch\(es\) had 0 items .* no optimizer step was taken/));
      expect(memory.savedBytes()).toBe(before); // the unused graphs were freed, not left to the collector
    } finally {
      warn.mockRestore();
    }
  });

  it("weighted counts (summed class weights) may be fractional when asked for", () => {
    const { w, acc, mean } = itemModel({ weightedCounts: true }, 2);
    acc.backward(mean([1]), 0.5);
    acc.backward(mean([4]), 1.5);
    expect(w.item()).toBeCloseTo(-(0.5 * 1 + 1.5 * 4) / 2, 12);
  });

  it("clips after normalising, and steps the scheduler once per optimizer step", () => {
    const w = tensor([0, 0], { requiresGrad: true, dtype: "float64" });
    const optimizer = new SGD([w], { lr: 1 });
    const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
    const seen: AccumulationStep[] = [];
    const acc = new GradientAccumulator({ optimizer, steps: 2, clipNorm: 5, scheduler, onStep: (s) => seen.push(s) });
    const loss = (v: number[]) => w.mul(tensor(v, { dtype: "float64" })).sum();
    acc.backward(loss([6, 8]), 1);
    expect(acc.lr).toBe(1);
    acc.backward(loss([6, 8]), 3); // mean gradient [6, 8]: norm 10, clipped to 5
    expect(acc.lastGradNorm).toBeCloseTo(10, 12);
    const [w0, w1] = w.tolist() as number[];
    expect(w0).toBeCloseTo(-3, 5);
    expect(w1).toBeCloseTo(-4, 5);
    expect(seen[0]!.lr).toBe(1);
    expect(acc.lr).toBe(0.5);
    acc.backward(loss([1, 0]), 1);
    expect(acc.lr).toBe(0.5); // not per micro-batch
    acc.flush();
    expect(acc.lr).toBe(0.25);
    expect(seen.map((s) => s.lr)).toEqual([1, 0.5]);
  });

  it("bad input names the argument and leaves the window as it was", () => {
    const { acc, mean, w } = itemModel({}, 3);
    for (const bad of [-1, 1.5, Number.NaN, Infinity]) {
      expect(() => acc.backward(mean([1]), bad)).toThrow(new RegExp(`count should be a non-negative integer .*got ${bad}`));
    }
    expect(() => acc.backward(mean([1]), 1.5)).toThrow(/weightedCounts: true/);
    expect(() => acc.backward(mean([1]), "2" as unknown as number)).toThrow(/count should be a non-negative integer .*got string/);
    expect(() => acc.backward(w.mul(tensor([1, 2], { dtype: "float64" })), 2)).toThrow(/loss should be a scalar, got shape \(2\)/);
    expect(() => acc.backward(3 as unknown as Tensor, 1)).toThrow(/loss should be a scalar Tensor, got number/);
    acc.backward(mean([1]), 1);
    expect(() => acc.backward(mean([1]))).toThrow(/count: this window's 1 earlier micro-batch\(es\) came with a count, this one without/);
    acc.flush();
    acc.backward(mean([1]));
    expect(() => acc.backward(mean([1]), 1)).toThrow(/came without a count, this one with/);
    expect(acc.pendingMicroBatches).toBe(1);
    expect(() => new GradientAccumulator({ optimizer: acc.optimizer, steps: 2, reduction: "none" as "sum" })).toThrow(/reduction should be "mean" or "sum"/);
    const other = new SGD([tensor([1], { requiresGrad: true })], { lr: 1 });
    expect(() => new GradientAccumulator({ optimizer: acc.optimizer, steps: 2, scheduler: new StepLR(other, { stepSize: 1 }) })).toThrow(/scheduler should schedule/);
  });
});

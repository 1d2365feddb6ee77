import { describe, expect, it } from "vitest";
import { manualSeed, memory, type Tensor } from "../../src/tensor/index.js";
import { BatchNorm1d, CrossEntropyLoss, Linear, ReLU, Sequential, type Module } from "../../src/nn/index.js";
import { GradientAccumulator, SGD } from "../../src/optim/index.js";
import { digits } from "../../src/data/index.js";

const [trainX, trainY] = digits({ split: "train" }).tensors;
const batchX = trainX.slice(0, 256);
const batchY = trainY.slice(0, 256);

function mlp(seed: number, withBatchNorm = false): Module {
  manualSeed(seed);
  return withBatchNorm
    ? new Sequential(new Linear(64, 32), new BatchNorm1d(32), new ReLU(), new Linear(32, 10))
    : new Sequential(new Linear(64, 32), new ReLU(), new Linear(32, 10));
}

/** Gradients after one batch of 256 with the mean loss. */
function fullBatchGrads(model: Module): Float32Array[] {
  model.zeroGrad();
  new CrossEntropyLoss().forward(model.forward(batchX), batchY).backward();
  return model.parameters().map((p) => Float32Array.from(p.grad!.data));
}

/** Gradients accumulated over `n` micro-batches of 256/n, each loss divided by n. */
function accumulatedGrads(model: Module, n: number): Float32Array[] {
  model.zeroGrad();
  const b = 256 / n;
  for (let i = 0; i < n; i++) {
    const loss = new CrossEntropyLoss().forward(model.forward(batchX.slice(i * b, (i + 1) * b)), batchY.slice(i * b, (i + 1) * b));
    loss.div(n).backward();
  }
  return model.parameters().map((p) => Float32Array.from(p.grad!.data));
}

/** Largest relative difference ‖a − b‖ / ‖b‖ over the parameters. */
function maxRelativeDifference(a: Float32Array[], b: Float32Array[]): number {
  return Math.max(
    ...a.map((ga, k) => {
      const gb = b[k]!;
      let diff = 0;
      let norm = 0;
      for (let i = 0; i < ga.length; i++) {
        diff += (ga[i]! - gb[i]!) ** 2;
        norm += gb[i]! ** 2;
      }
      return Math.sqrt(diff / norm);
    }),
  );
}

describe("gradient accumulation is a large batch (the lesson's claim)", () => {
  it("8 micro-batches of 32 with loss/8 give the gradient of one batch of 256 (float32, 1e-6 relative)", () => {
    const model = mlp(0);
    const full = fullBatchGrads(model);
    const accumulated = accumulatedGrads(model, 8);
    const rel = maxRelativeDifference(accumulated, full);
    expect(rel).toBeLessThan(1e-6);
    // Without dividing by 8, the accumulated gradient is 8 times too large.
    expect(maxRelativeDifference(accumulated.map((g) => g.map((v) => v * 8)), full)).toBeGreaterThan(6);
  });

  it("the same holds for 4 micro-batches of 64 through GradientAccumulator: one SGD step lands on the same weights", () => {
    const big = mlp(3);
    const small = mlp(3);
    const bigOpt = new SGD(big.parameters(), { lr: 0.5 });
    new CrossEntropyLoss().forward(big.forward(batchX), batchY).backward();
    bigOpt.step();
    const acc = new GradientAccumulator({ optimizer: new SGD(small.parameters(), { lr: 0.5 }), steps: 4 });
    for (let i = 0; i < 4; i++) {
      acc.backward(new CrossEntropyLoss().forward(small.forward(batchX.slice(64 * i, 64 * (i + 1))), batchY.slice(64 * i, 64 * (i + 1))), 64);
    }
    expect(acc.optimizerSteps).toBe(1);
    expect(acc.effectiveBatchSize).toBe(256);
    const rel = maxRelativeDifference(
      small.parameters().map((p) => Float32Array.from(p.data)),
      big.parameters().map((p) => Float32Array.from(p.data)),
    );
    expect(rel).toBeLessThan(1e-6);
  });

  it("with BatchNorm1d it is not: each micro-batch is normalised by its own statistics", () => {
    const model = mlp(0, true);
    const full = fullBatchGrads(model);
    const accumulated = accumulatedGrads(model, 8);
    const rel = maxRelativeDifference(accumulated, full);
    expect(rel).toBeGreaterThan(1e-2);
  });
});

describe("activation memory (the reason to accumulate)", () => {
  function peakFor(model: Module, microBatches: number): number {
    model.zeroGrad();
    memory.resetPeak();
    const start = memory.peakSavedBytes();
    const b = 256 / microBatches;
    for (let i = 0; i < microBatches; i++) {
      const x: Tensor = batchX.slice(i * b, (i + 1) * b);
      new CrossEntropyLoss().forward(model.forward(x), batchY.slice(i * b, (i + 1) * b)).div(microBatches).backward();
    }
    return memory.peakSavedBytes() - start;
  }

  it("peak saved bytes for 8 micro-batches of 32 are 1/8 of one batch of 256", () => {
    const model = mlp(0);
    const big = peakFor(model, 1);
    const small = peakFor(model, 8);
    expect(memory.savedBytes()).toBe(0); // every graph was freed by backward
    // 64 inputs, 32 hidden activations, 10 log-probabilities, 1 class index per sample; no fixed part.
    expect(small).toBe(32 * (64 + 32 + 10 + 1) * 4);
    expect(big / small).toBe(8);
  });
});

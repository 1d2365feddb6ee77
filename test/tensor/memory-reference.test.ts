// The memory meter against PyTorch's saved_tensors_hooks, deduplicated by storage
// (test/fixtures/torch_memory_reference.py), and the breakdown of a training step.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { manualSeed, memory, type Tensor } from "../../src/tensor/index.js";
import { CrossEntropyLoss, Linear, ReLU, Sequential } from "../../src/nn/index.js";
import { Adam, GradientAccumulator, SGD } from "../../src/optim/index.js";
import { digits } from "../../src/data/index.js";

interface Storage {
  dtype: string;
  shape: number[];
  bytes: number;
}
interface Breakdown {
  parameters: number;
  gradients: number;
  optimizerState: number;
  optimizerStateTensors: { name: string; shape: number[] }[];
}
const ref = JSON.parse(readFileSync(new URL("../fixtures/torch_memory_reference.json", import.meta.url), "utf8")) as {
  oneBatch256: { bytes: number; storages: Storage[] };
  microBatches8x32: { peakBytes: number; storages: Storage[] };
  sgdMomentum: Breakdown;
  adam: Breakdown;
};

const [trainX, trainY] = digits({ split: "all" }).tensors;
const x = trainX.slice(0, 256);
const y = trainY.slice(0, 256);
const criterion = new CrossEntropyLoss();

function mlp(): Sequential {
  manualSeed(0);
  return new Sequential(new Linear(64, 64), new ReLU(), new Linear(64, 10));
}

/** Peak saved bytes of forward + backward over `n` micro-batches of 256 / n. */
function peak(n: number): number {
  const model = mlp();
  memory.resetPeak();
  const start = memory.peakSavedBytes();
  const b = 256 / n;
  for (let k = 0; k < n; k++) criterion.forward(model.forward(x.slice(k * b, (k + 1) * b)), y.slice(k * b, (k + 1) * b)).div(n).backward();
  return memory.peakSavedBytes() - start;
}

/**
 * PyTorch's figure in tsgrad's dtypes: the same storages, except that tsgrad keeps the class indices
 * as int32 (PyTorch: int64) and the loss's 0-d total weight as a JavaScript number.
 */
function inTsgradDtypes(storages: Storage[]): number {
  return storages.reduce((sum, s) => (s.dtype === "int64" ? sum + s.bytes / 2 : s.shape.length === 0 ? sum : sum + s.bytes), 0);
}

describe("saved activations of the digits MLP against PyTorch (each storage once, parameters never)", () => {
  it("one batch of 256 and 8 micro-batches of 32: PyTorch's storages byte for byte, in the ratio 8.0", () => {
    expect(ref.oneBatch256.bytes).toBe(143_364);
    expect(ref.microBatches8x32.peakBytes).toBe(17_924);
    const full = peak(1);
    const accumulated = peak(8);
    expect(full).toBe(inTsgradDtypes(ref.oneBatch256.storages));
    expect(accumulated).toBe(inTsgradDtypes(ref.microBatches8x32.storages));
    // 64 inputs, 64 hidden activations (saved by the ReLU and the second Linear: once), 10 log-probabilities, 1 index.
    expect([full, accumulated]).toEqual([256 * 556, 32 * 556]);
    expect(full / accumulated).toBe(8);
    expect(memory.savedBytes()).toBe(0);
  });
});

describe("memory.breakdown: what does not shrink with accumulation", () => {
  function oneStep(makeOptimizer: (params: Tensor[]) => SGD | Adam) {
    const model = mlp();
    const optimizer = makeOptimizer(model.parameters());
    criterion.forward(model.forward(x.slice(0, 32)), y.slice(0, 32)).backward();
    optimizer.step();
    return memory.breakdown(model, optimizer);
  }

  it("parameters, gradients and SGD's momentum equal PyTorch's", () => {
    const b = oneStep((p) => new SGD(p, { lr: 0.1, momentum: 0.9 }));
    expect([b.parameters, b.gradients, b.optimizerState]).toEqual([ref.sgdMomentum.parameters, ref.sgdMomentum.gradients, ref.sgdMomentum.optimizerState]);
    expect(b.total).toBe(b.parameters + b.gradients + b.optimizerState + b.peakSavedActivations);
  });

  it("Adam's two moments equal PyTorch's; PyTorch 1.13 also keeps each step count as a 0-d float32 tensor", () => {
    const b = oneStep((p) => new Adam(p, { lr: 0.01 }));
    const steps = ref.adam.optimizerStateTensors.filter((t) => t.name === "step");
    expect(steps.every((t) => t.shape.length === 0)).toBe(true);
    expect(b.optimizerState).toBe(ref.adam.optimizerState - 4 * steps.length);
    expect(b.optimizerState).toBe(2 * ref.adam.parameters);
  });

  it("with accumulation only the saved activations shrink (8 × 32 against 1 × 256)", () => {
    const run = (steps: number) => {
      const model = mlp();
      const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      const acc = new GradientAccumulator({ optimizer, steps });
      memory.resetPeak();
      const b = 256 / steps;
      for (let k = 0; k < steps; k++) acc.backward(criterion.forward(model.forward(x.slice(k * b, (k + 1) * b)), y.slice(k * b, (k + 1) * b)), b);
      return memory.breakdown(model, optimizer);
    };
    const big = run(1);
    const small = run(8);
    expect([small.parameters, small.gradients, small.optimizerState]).toEqual([big.parameters, big.gradients, big.optimizerState]);
    expect(big.peakSavedActivations / small.peakSavedActivations).toBe(8);
    // docs/memory.md's table.
    expect([big.total, small.total]).toEqual([200_056, 75_512]);
  });

  it("names a bad argument", () => {
    expect(() => memory.breakdown(42 as unknown as Tensor[])).toThrow(/memory.breakdown: model should be a Module or an iterable of Tensors, got number/);
    expect(() => memory.breakdown([1] as unknown as Tensor[])).toThrow(/model parameter 0 is not a Tensor/);
    expect(() => memory.breakdown(mlp(), {} as never)).toThrow(/optimizer should be an optimizer/);
  });
});

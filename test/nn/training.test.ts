import { describe, expect, it } from "vitest";
import { manualSeed, noGrad, type Tensor } from "../../src/tensor/index.js";
import { Conv2d, CrossEntropyLoss, Flatten, Linear, MaxPool2d, ReLU, Sequential, type Module } from "../../src/nn/index.js";
import { Adam, GradientAccumulator, SGD } from "../../src/optim/index.js";
import { DataLoader, digits, enumerate } from "../../src/data/index.js";

const train = digits({ split: "train" });
const test = digits({ split: "test" });

function model(): Module {
  manualSeed(0);
  return new Sequential(new Linear(64, 64), new ReLU(), new Linear(64, 10));
}

function accuracy(m: Module, [x, y] = test.tensors): number {
  const predicted = noGrad(() => m.forward(x).argmax(1));
  let correct = 0;
  predicted.data.forEach((k, i) => (correct += k === y.data[i] ? 1 : 0));
  return correct / y.numel;
}

function lossOn(m: Module, x: Tensor, y: Tensor): number {
  return noGrad(() => new CrossEntropyLoss().forward(m.forward(x), y).item());
}

/** The article's standard loop, optionally forgetting `optimizer.zeroGrad()`. */
function trainStandard(epochs: number, { zeroGrad = true } = {}): Module {
  const m = model();
  const criterion = new CrossEntropyLoss();
  const optimizer = new SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
  const trainLoader = new DataLoader(train, { batchSize: 32, shuffle: true, seed: 1 });
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const [image, label] of trainLoader) {
      const pred = m.forward(image);
      const loss = criterion.forward(pred, label);
      if (zeroGrad) optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
    }
  }
  return m;
}

let standardModel: Module | undefined;
/** The standard loop's model after 3 epochs, trained once for the tests that compare against it. */
function standardModel3(): Module {
  standardModel ??= trainStandard(3);
  return standardModel;
}

describe("training on the digits", () => {
  it("the standard loop reaches at least 90% test accuracy in 3 epochs", () => {
    const before = accuracy(model());
    const trained = standardModel3();
    const acc = accuracy(trained);
    expect(before).toBeLessThan(0.3);
    expect(acc).toBeGreaterThanOrEqual(0.9);
  });

  it("forgetting zeroGrad gives a measurably worse model", () => {
    const good = standardModel3();
    const bad = trainStandard(3, { zeroGrad: false });
    const [x, y] = train.tensors;
    const goodLoss = lossOn(good, x, y);
    const badLoss = lossOn(bad, x, y);
    expect(accuracy(bad)).toBeLessThan(accuracy(good) - 0.1);
    expect(Number.isNaN(badLoss) || badLoss > 2 * goodLoss).toBe(true);
  });

  it("the accumulated loop (4 micro-batches of 8) learns as well, and GradientAccumulator does exactly the same", () => {
    const accumulationSteps = 4;
    const loader = () => new DataLoader(train, { batchSize: 8, shuffle: true, seed: 1 });
    // By hand, line for line as in the article.
    const m1 = model();
    const criterion = new CrossEntropyLoss();
    const optimizer = new SGD(m1.parameters(), { lr: 0.1, momentum: 0.9 });
    const trainLoader = loader();
    for (let epoch = 0; epoch < 3; epoch++) {
      for (const [i, [image, label]] of enumerate(trainLoader)) {
        const loss = criterion.forward(m1.forward(image), label).div(accumulationSteps);
        loss.backward();
        if ((i + 1) % accumulationSteps === 0) {
          optimizer.step();
          optimizer.zeroGrad();
        }
      }
    }
    expect(accuracy(m1)).toBeGreaterThanOrEqual(0.9);

    // With the helper and no counts (the article's equal weighting): 1437 images in batches of 8 make
    // 180 micro-batches, so each epoch ends on a full window and flush() has nothing left to apply.
    // (With counts, the window holding the last micro-batch of 5 would be weighted by its samples.)
    const m2 = model();
    const accumulator = new GradientAccumulator({ optimizer: new SGD(m2.parameters(), { lr: 0.1, momentum: 0.9 }), steps: accumulationSteps });
    const helperLoader = loader();
    for (let epoch = 0; epoch < 3; epoch++) {
      for (const [image, label] of helperLoader) accumulator.backward(criterion.forward(m2.forward(image), label));
      expect(accumulator.flush()).toBe(false);
    }
    expect(accumulator.optimizerSteps).toBe(3 * 45);
    expect(m2.parameters().map((p) => p.tolist())).toEqual(m1.parameters().map((p) => p.tolist()));
  });

  it("a small CNN on [N, 1, 8, 8] images learns too (Conv2d, MaxPool2d, Flatten, Adam)", () => {
    manualSeed(0);
    const cnn = new Sequential(new Conv2d(1, 8, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(8 * 4 * 4, 10));
    const images = digits({ split: "train", shape: "image" });
    const optimizer = new Adam(cnn.parameters(), { lr: 0.01 });
    const criterion = new CrossEntropyLoss();
    for (let epoch = 0; epoch < 2; epoch++) {
      for (const [image, label] of new DataLoader(images, { batchSize: 32, shuffle: true, seed: epoch })) {
        const loss = criterion.forward(cnn.forward(image), label);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
      }
    }
    expect(accuracy(cnn, digits({ split: "test", shape: "image" }).tensors)).toBeGreaterThanOrEqual(0.9);
  });
});

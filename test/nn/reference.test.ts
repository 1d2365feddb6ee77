import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Tensor, tensor, type NestedArray } from "../../src/tensor/index.js";
import { gradcheck } from "../tensor/gradcheck.js";
import { expectClose, flat } from "./expect-close.js";
import { BatchNorm1d, Conv2d, CrossEntropyLoss, Linear, MaxPool2d, MSELoss, NLLLoss, ReLU, Sequential, Tanh, type Reduction } from "../../src/nn/index.js";

interface LossCase {
  loss: "CrossEntropyLoss" | "NLLLoss" | "MSELoss";
  reduction: Reduction;
  options?: { weight?: number[]; ignoreIndex?: number; labelSmoothing?: number };
  input: NestedArray;
  target: NestedArray;
  output: NestedArray;
  inputGrad: NestedArray;
}
interface Reference {
  losses: LossCase[];
  mlp: { stateDict: Record<string, NestedArray>; input: NestedArray; target: number[]; loss: number; grads: Record<string, NestedArray> };
  batchnorm: Record<string, NestedArray>;
  conv: Record<string, NestedArray>;
}
const ref = JSON.parse(readFileSync(new URL("../fixtures/torch_nn_reference.json", import.meta.url), "utf8")) as Reference;

const f64 = (x: NestedArray, requiresGrad = false): Tensor => tensor(x, { dtype: "float64", requiresGrad });

const TOL = 1e-10;

const losses = { CrossEntropyLoss, NLLLoss, MSELoss } as const;

describe("losses against PyTorch 1.13 (test/fixtures/torch_nn_reference.py)", () => {
  it.each(ref.losses.map((c, i) => [`${c.loss} ${c.reduction} ${JSON.stringify(c.options ?? {})} #${i}`, c] as const))("%s: value and input gradient", (_n, c) => {
    const x = f64(c.input, true);
    const { weight, ...rest } = c.options ?? {};
    const options = { reduction: c.reduction, ...rest, ...(weight ? { weight: f64(weight) } : {}) };
    const out = new losses[c.loss](options).forward(x, f64(c.target));
    expectClose(out.tolist(), c.output, TOL);
    out.backward(c.reduction === "none" ? tensor(flat(c.output).map(() => 1), { dtype: "float64", shape: [...out.shape] }) : undefined);
    expectClose(x.grad!.tolist(), c.inputGrad, TOL);
  });
});

describe("a Linear–Tanh–Linear MLP with CrossEntropyLoss against PyTorch", () => {
  it("gives the same loss and parameter gradients", () => {
    const model = new Sequential(new Linear(4, 5, { dtype: "float64" }), new Tanh(), new Linear(5, 3, { dtype: "float64" }));
    model.loadStateDict(Object.fromEntries(Object.entries(ref.mlp.stateDict).map(([k, v]) => [k, f64(v)])));
    const loss = new CrossEntropyLoss().forward(model.forward(f64(ref.mlp.input)), f64(ref.mlp.target));
    expect(loss.item()).toBeCloseTo(ref.mlp.loss, 12);
    loss.backward();
    for (const [name, p] of model.namedParameters()) expectClose(p.grad!.tolist(), ref.mlp.grads[name]!, TOL);
  });

  it("agrees with finite differences", () => {
    const model = new Sequential(new Linear(4, 5, { dtype: "float64" }), new Tanh(), new Linear(5, 3, { dtype: "float64" }));
    const x = f64(ref.mlp.input);
    const y = f64(ref.mlp.target);
    const result = gradcheck(() => new CrossEntropyLoss().forward(model.forward(x), y), model.parameters());
    expect(result.worst, result.where).toBeLessThan(1e-6);
  });
});

describe("BatchNorm1d against PyTorch", () => {
  const bnRef = ref.batchnorm;
  function makeBn(): BatchNorm1d {
    const bn = new BatchNorm1d(3, { dtype: "float64" });
    bn.weight!.data.set(flat(bnRef.weight!));
    bn.bias!.data.set(flat(bnRef.bias!));
    return bn;
  }

  it("normalises with batch statistics in training, with their gradients", () => {
    const bn = makeBn();
    const x = f64(bnRef.input!, true);
    const y = bn.forward(x);
    expectClose(y.tolist(), bnRef.output!, TOL);
    y.mul(f64(bnRef.upstream!)).sum().backward();
    expectClose(x.grad!.tolist(), bnRef.inputGrad!, TOL);
    expectClose(bn.weight!.grad!.tolist(), bnRef.weightGrad!, TOL);
    expectClose(bn.bias!.grad!.tolist(), bnRef.biasGrad!, TOL);
  });

  it("tracks running mean and unbiased running variance with momentum 0.1, and uses them in eval", () => {
    const bn = makeBn();
    bn.forward(f64(bnRef.input!));
    bn.forward(f64(bnRef.second!));
    expectClose(bn.runningMean!.tolist(), bnRef.runningMean!, TOL);
    expectClose(bn.runningVar!.tolist(), bnRef.runningVar!, TOL);
    expect(bn.numBatchesTracked!.item()).toBe(2);
    bn.eval();
    const before = bn.stateDict();
    expectClose(bn.forward(f64(bnRef.evalInput!)).tolist(), bnRef.evalOutput!, TOL);
    // Eval reads the running statistics without moving them.
    for (const [k, v] of Object.entries(bn.stateDict())) expect(v.tolist()).toEqual(before[k]!.tolist());
  });

  it("agrees with finite differences for its input, weight and bias", () => {
    const bn = makeBn();
    const x = f64(bnRef.input!, true);
    const result = gradcheck((input) => bn.forward(input!), [x, bn.weight!, bn.bias!]);
    expect(result.worst, result.where).toBeLessThan(1e-6);
  });

  it("refuses a batch of one in training", () => {
    expect(() => new BatchNorm1d(3).forward(tensor([[1, 2, 3]]))).toThrow(/more than 1 value per channel/);
    expect(() => new BatchNorm1d(3).forward(tensor([[1, 2]]))).toThrow(/expected input of shape \(N x 3\)/);
  });
});

describe("Conv2d → ReLU → MaxPool2d against PyTorch", () => {
  it("gives the same output and gradients", () => {
    const c = ref.conv;
    const conv = new Conv2d(2, 3, 3, { padding: 1, dtype: "float64" });
    conv.loadStateDict({ weight: f64(c.weight!), bias: f64(c.bias!) });
    const net = new Sequential(conv, new ReLU(), new MaxPool2d(2));
    const x = f64(c.input!, true);
    const y = net.forward(x);
    expect(y.shape).toEqual([2, 3, 2, 2]);
    expectClose(y.tolist(), c.output!, TOL);
    y.mul(f64(c.upstream!)).sum().backward();
    expectClose(x.grad!.tolist(), c.inputGrad!, TOL);
    expectClose(conv.weight.grad!.tolist(), c.weightGrad!, TOL);
    expectClose(conv.bias!.grad!.tolist(), c.biasGrad!, TOL);
  });
});

describe("loss input errors", () => {
  const logits = tensor([[1, 2, 3], [0, 0, 1]]);
  it("names mismatched batch sizes", () => {
    expect(() => new CrossEntropyLoss().forward(logits, tensor([0, 1, 2]))).toThrow(
      /input batch size 2 does not match target batch size 3 \(input \(2x3\), target \(3\)\)/,
    );
    expect(() => new NLLLoss().forward(logits, tensor([0]))).toThrow(/batch size 2 does not match target batch size 1/);
    expect(() => new MSELoss().forward(tensor([[1], [2]]), tensor([1, 2]))).toThrow(/input \(2x1\) and target \(2\) must have the same shape/);
  });
  it("names out-of-range and non-integer class indices", () => {
    expect(() => new CrossEntropyLoss().forward(logits, tensor([0, 3]))).toThrow(/target 3 at position 1 is out of bounds for 3 classes/);
    expect(() => new CrossEntropyLoss().forward(logits, tensor([-1, 0]))).toThrow(/target -1 at position 0 is out of bounds/);
    expect(() => new NLLLoss().forward(logits, tensor([0.5, 1]))).toThrow(/target 0.5 at position 0 is not a class index/);
  });
  it("checks the class weights and label smoothing", () => {
    expect(() => new CrossEntropyLoss({ weight: tensor([1, 2]) }).forward(logits, tensor([0, 1]))).toThrow(/weight \(2\) should have one entry per class, input \(2x3\) has 3 classes/);
    expect(() => new CrossEntropyLoss({ labelSmoothing: 1.5 })).toThrow(/labelSmoothing should be in \[0, 1\], got 1.5/);
    expect(String(new CrossEntropyLoss({ reduction: "sum", labelSmoothing: 0.1 }))).toBe('CrossEntropyLoss(reduction="sum", labelSmoothing=0.1)');
    // An ignored target is not range-checked and adds nothing.
    expect(new CrossEntropyLoss({ reduction: "sum" }).forward(logits, tensor([-100, -100])).item()).toBe(0);
  });

  it("rejects an unknown reduction and scores that are not (C), (N, C) or (N, C, d…)", () => {
    expect(() => new MSELoss({ reduction: "avg" as Reduction })).toThrow(/reduction should be "mean", "sum" or "none", got "avg"/);
    expect(() => new CrossEntropyLoss().forward(tensor(1), tensor(0))).toThrow(/expected input with class scores of shape \(C\), \(N x C\) or \(N x C x d1 \.\.\.\)/);
    expect(() => new CrossEntropyLoss().forward(tensor([1, 2, 3]), tensor([0]))).toThrow(/the target should be a 0-d class index, got \(1\)/);
  });
});

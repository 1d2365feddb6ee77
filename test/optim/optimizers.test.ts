import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Tensor, tensor, type DType, type NestedArray } from "../../src/tensor/index.js";
import { expectClose } from "../nn/expect-close.js";
import { Adagrad, Adam, AdamW, RMSprop, SGD, clipGradNorm, type Optimizer } from "../../src/optim/index.js";

interface OptimizerCase {
  name: string;
  optimizer: keyof typeof constructors;
  options: Record<string, number | boolean | number[]>;
  dtype: DType;
  params: NestedArray[][];
}
interface Reference {
  params0: NestedArray[];
  grads: (NestedArray | null)[][];
  optimizers: OptimizerCase[];
  clipGradNorm: { maxNorm: number; normType: number | "inf"; totalNorm: number; grads: NestedArray[] }[];
}

const ref = JSON.parse(readFileSync(new URL("../fixtures/torch_optim_reference.json", import.meta.url), "utf8")) as Reference;

const constructors = { SGD, Adam, AdamW, RMSprop, Adagrad } as const;

function makeParams(dtype: DType): Tensor[] {
  return ref.params0.map((p) => tensor(p, { dtype, requiresGrad: true }));
}

describe("optimizers against PyTorch 1.13 (test/fixtures/torch_optim_reference.py)", () => {
  it.each(ref.optimizers.map((c) => [c.name, c] as const))("%s: five steps match at 1e-6", (_name, c) => {
    const params = makeParams(c.dtype);
    const Ctor = constructors[c.optimizer] as new (p: Tensor[], o: object) => Optimizer;
    const opt = new Ctor(params, c.options);
    ref.grads.forEach((grads, t) => {
      params.forEach((p, k) => (p.grad = grads[k] === null ? null : tensor(grads[k]!, { dtype: c.dtype })));
      opt.step();
      params.forEach((p, k) => expectClose(p.tolist(), c.params[t]![k]!, 1e-6));
    });
  });

  it.each(ref.clipGradNorm.map((c) => [`maxNorm ${c.maxNorm}, norm ${c.normType}`, c] as const))(
    "clipGradNorm %s returns the total norm and clips like clip_grad_norm_",
    (_name, c) => {
      const params = makeParams("float64");
      params.forEach((p, k) => (p.grad = tensor(ref.grads[0]![k]!, { dtype: "float64" })));
      const total = clipGradNorm(params, c.maxNorm, c.normType === "inf" ? Infinity : c.normType);
      expect(total).toBeCloseTo(c.totalNorm, 12);
      params.forEach((p, k) => expectClose(p.grad!.tolist(), c.grads[k]!, 1e-12));
    },
  );
});

describe("zeroGrad: setToNone skips a step, zeros still step", () => {
  function momentumRun(setToNone: boolean): number[] {
    const w = tensor([1, 2], { requiresGrad: true, dtype: "float64" });
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    w.grad = tensor([1, -1], { dtype: "float64" });
    opt.step(); // buffer = g, w = [0.9, 2.1]
    opt.zeroGrad({ setToNone });
    if (setToNone) expect(w.grad).toBeNull();
    else expect(w.grad!.tolist()).toEqual([0, 0]);
    opt.step();
    return w.tolist() as number[];
  }

  it("a null grad leaves the parameter and its momentum untouched", () => {
    expectClose(momentumRun(true), [0.9, 2.1], 1e-12);
  });

  it("a zero grad is a real step: momentum keeps moving the parameter", () => {
    // buffer = 0.9·[1, −1] + 0 → w −= 0.1·buffer
    expectClose(momentumRun(false), [0.9 - 0.09, 2.1 + 0.09], 1e-12);
  });

  it("Adam's step count only advances for parameters that have a gradient", () => {
    const a = tensor([1], { requiresGrad: true });
    const b = tensor([1], { requiresGrad: true });
    const opt = new Adam([a, b]);
    a.grad = tensor([1]);
    opt.step();
    expect(opt.state.get(a)!.step).toBe(1);
    expect(opt.state.has(b)).toBe(false);
  });
});

describe("argument checks", () => {
  const p = () => [tensor([1, 2], { requiresGrad: true })];
  it("rejects a negative learning rate", () => {
    expect(() => new SGD(p(), { lr: -0.1 })).toThrow(/Invalid learning rate: -0.1/);
    expect(() => new Adam(p(), { lr: -1 })).toThrow(/Invalid learning rate/);
  });
  it("rejects a single tensor where an iterable of them is expected", () => {
    expect(() => new SGD(tensor([1, 2], { requiresGrad: true }) as unknown as Tensor[], { lr: 0.1 })).toThrow(/iterable of Tensors or parameter groups, but got a Tensor of shape \(2\)/);
  });
  it("rejects an empty parameter list", () => {
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/empty parameter list/);
    expect(() => new AdamW([])).toThrow(/empty parameter list/);
  });
  it("nesterov needs momentum and zero dampening", () => {
    expect(() => new SGD(p(), { lr: 0.1, nesterov: true })).toThrow(/Nesterov momentum requires a momentum and zero dampening/);
    expect(() => new SGD(p(), { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(/zero dampening/);
  });
  it("rejects bad betas, eps, momentum and weight decay", () => {
    expect(() => new Adam(p(), { betas: [1, 0.999] })).toThrow(/Invalid beta parameter at index 0: 1/);
    expect(() => new Adam(p(), { betas: [0.9, -0.1] })).toThrow(/index 1/);
    expect(() => new Adam(p(), { eps: -1 })).toThrow(/Invalid epsilon value/);
    expect(() => new SGD(p(), { momentum: -0.5 })).toThrow(/Invalid momentum value/);
    expect(() => new SGD(p(), { weightDecay: -1 })).toThrow(/Invalid weight_decay value/);
    expect(() => new RMSprop(p(), { alpha: -0.1 })).toThrow(/RMSprop: Invalid alpha value: -0.1/);
    expect(() => new RMSprop(p(), { momentum: -1 })).toThrow(/RMSprop: Invalid momentum value/);
    expect(() => new Adagrad(p(), { lrDecay: -1 })).toThrow(/Adagrad: Invalid lr_decay value: -1/);
    expect(() => new Adagrad(p(), { initialAccumulatorValue: -1 })).toThrow(/Invalid initial_accumulator_value value/);
    expect(() => new Adagrad(p(), { eps: -1 })).toThrow(/Adagrad: Invalid epsilon value/);
  });
  it("rejects an option the optimizer does not have, naming it", () => {
    const misspelt = { lr: 0.1, weight_decay: 0.1 } as unknown as Record<string, number>;
    expect(() => new SGD(p(), misspelt)).toThrow(/SGD: unknown option "weight_decay"/);
    expect(() => new AdamW(p(), { momentum: 0.9 } as unknown as Record<string, number>)).toThrow(/AdamW: unknown option "momentum"/);
    expect(() => new RMSprop(p(), { betas: [0.9, 0.99] } as unknown as Record<string, number>)).toThrow(/RMSprop: unknown option "betas"/);
    expect(() => new Adagrad(p(), { lr_decay: 0.1 } as unknown as Record<string, number>)).toThrow(/Adagrad: unknown option "lr_decay" \(expected lr, lrDecay/);
  });
  it("rejects a parameter given twice and a non-leaf tensor", () => {
    const w = tensor([1], { requiresGrad: true });
    expect(() => new SGD([{ params: [w] }, { params: [w] }], { lr: 0.1 })).toThrow(/more than one parameter group/);
    expect(() => new SGD([w.mul(2)], { lr: 0.1 })).toThrow(/non-leaf/);
  });
});

describe("parameter groups and state dicts", () => {
  it("groups keep their own hyper-parameters, the rest take defaults", () => {
    const a = tensor([1], { requiresGrad: true });
    const b = tensor([1], { requiresGrad: true });
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([[0.1, 0.9], [0.5, 0.9]]);
    a.grad = tensor([1]);
    b.grad = tensor([1]);
    opt.step();
    expect(a.item()).toBeCloseTo(0.9, 6);
    expect(b.item()).toBeCloseTo(0.5, 6);
    expect(opt.toString()).toContain("Parameter Group 1");
  });

  it("a restored Adam continues exactly where the saved one was", () => {
    const grads = [[0.3, -0.2], [0.1, 0.4], [-0.5, 0.2], [0.2, 0.2]];
    const w1 = tensor([1, -1], { requiresGrad: true, dtype: "float64" });
    const opt1 = new Adam([w1], { lr: 0.05, amsgrad: true });
    const stepWith = (w: Tensor, o: Optimizer, g: number[]) => {
      w.grad = tensor(g, { dtype: "float64" });
      o.step();
    };
    stepWith(w1, opt1, grads[0]!);
    stepWith(w1, opt1, grads[1]!);
    const saved = opt1.stateDict();
    expect(saved.paramGroups[0]!.params).toEqual([0]);
    expect(saved.state[0]!.step).toBe(2);

    const w2 = tensor(w1.tolist(), { requiresGrad: true, dtype: "float64" });
    const opt2 = new Adam([w2], { lr: 0.9 });
    opt2.loadStateDict(saved);
    expect(opt2.paramGroups[0]!.lr).toBe(0.05);
    for (const g of grads.slice(2)) {
      stepWith(w1, opt1, g);
      stepWith(w2, opt2, g);
    }
    expect(w2.tolist()).toEqual(w1.tolist());
    // The snapshot is a copy: later steps did not change it.
    expect(saved.state[0]!.step).toBe(2);
  });

  it.each([
    ["RMSprop", () => (w: Tensor[]): Optimizer => new RMSprop(w, { lr: 0.05, momentum: 0.9, centered: true }), ["squareAvg", "momentumBuffer", "gradAvg"]],
    ["Adagrad", () => (w: Tensor[]): Optimizer => new Adagrad(w, { lr: 0.05, lrDecay: 0.1, initialAccumulatorValue: 0.1 }), ["sum"]],
  ] as const)("a restored %s continues exactly where the saved one was", (_name, make, buffers) => {
    const grads = [[0.3, -0.2], [0.1, 0.4], [-0.5, 0.2], [0.2, 0.2]];
    const w1 = tensor([1, -1], { requiresGrad: true, dtype: "float64" });
    const opt1 = make()([w1]);
    const stepWith = (w: Tensor, o: Optimizer, g: number[]) => {
      w.grad = tensor(g, { dtype: "float64" });
      o.step();
    };
    grads.slice(0, 2).forEach((g) => stepWith(w1, opt1, g));
    const saved = opt1.stateDict();
    expect(Object.keys(saved.state[0]!).sort()).toEqual(["step", ...buffers].sort());
    const w2 = tensor(w1.tolist(), { requiresGrad: true, dtype: "float64" });
    const opt2 = make()([w2]);
    opt2.loadStateDict(saved);
    for (const g of grads.slice(2)) {
      stepWith(w1, opt1, g);
      stepWith(w2, opt2, g);
    }
    expect(w2.tolist()).toEqual(w1.tolist());
  });

  it("loadStateDict rejects a dict for a different set of parameters", () => {
    const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
    const other = new SGD([tensor([1], { requiresGrad: true }), tensor([2], { requiresGrad: true })], { lr: 0.1 });
    expect(() => opt.loadStateDict(other.stateDict())).toThrow(/group 0 has 2 parameters in the state dict, 1 in the optimizer/);
  });
});

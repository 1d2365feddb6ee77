// The newer schedulers (LambdaLR, MultiStepLR, ConstantLR, SequentialLR, ChainedScheduler, OneCycleLR, ReduceLROnPlateau,
// PolynomialLR, CosineAnnealingWarmRestarts) replayed against PyTorch 1.13's rates and momenta, step by step (test/fixtures/torch_optim_reference.py).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tensor } from "../../src/tensor/index.js";
import {
  Adagrad, Adam, ChainedScheduler, ConstantLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, ExponentialLR, LambdaLR,
  LinearLR, MultiStepLR, OneCycleLR, PolynomialLR, ReduceLROnPlateau, SGD, SequentialLR, StepLR, type LRScheduler, type Optimizer,
} from "../../src/optim/index.js";

interface SchedulerSpec {
  scheduler: string;
  options: Record<string, unknown>;
}
interface ScheduleRun extends SchedulerSpec {
  optimizer: "SGD" | "Adam" | "Adagrad";
  optimizerOptions: Record<string, number>;
  groupLrs: number[];
  lrs: number[][];
  momenta: (number | null)[][];
  metrics?: number[];
  epochs?: number[];
}

const ref = JSON.parse(readFileSync(new URL("../fixtures/torch_optim_reference.json", import.meta.url), "utf8")) as {
  scheduleRuns: ScheduleRun[];
};

// The fixture's named lambdas, written again here.
const lambdas: Record<string, (e: number) => number> = {
  warmup3: (e) => Math.min(1, (e + 1) / 3),
  decay: (e) => 0.9 ** e,
  inverseSqrt: (e) => 1 / Math.sqrt(e + 1),
};

// The fixture holds each constructor's own options; the casts only tell TypeScript so.
type Options = never;
const makers: Record<string, (o: Optimizer, opts: Record<string, unknown>) => LRScheduler> = {
  StepLR: (o, opts) => new StepLR(o, opts as Options),
  LinearLR: (o, opts) => new LinearLR(o, opts as Options),
  ExponentialLR: (o, opts) => new ExponentialLR(o, opts as Options),
  CosineAnnealingLR: (o, opts) => new CosineAnnealingLR(o, opts as Options),
  MultiStepLR: (o, opts) => new MultiStepLR(o, opts as Options),
  ConstantLR: (o, opts) => new ConstantLR(o, opts as Options),
  LambdaLR: (o, opts) => {
    const names = opts.lrLambda as string | string[];
    return new LambdaLR(o, { lrLambda: Array.isArray(names) ? names.map((n) => lambdas[n]!) : lambdas[names]! });
  },
  SequentialLR: (o, opts) =>
    new SequentialLR(o, {
      schedulers: (opts.schedulers as SchedulerSpec[]).map((s) => makers[s.scheduler]!(o, s.options)),
      milestones: opts.milestones as number[],
    }),
  PolynomialLR: (o, opts) => new PolynomialLR(o, opts as Options),
  CosineAnnealingWarmRestarts: (o, opts) => new CosineAnnealingWarmRestarts(o, opts as Options),
  ChainedScheduler: (o, opts) => new ChainedScheduler((opts.schedulers as SchedulerSpec[]).map((s) => makers[s.scheduler]!(o, s.options))),
  OneCycleLR: (o, opts) => new OneCycleLR(o, opts as unknown as ConstructorParameters<typeof OneCycleLR>[1]),
};

function makeOptimizer(run: ScheduleRun): Optimizer {
  const groups = run.groupLrs.map((lr) => ({ params: [tensor([0, 0], { requiresGrad: true })], lr }));
  const Ctor = { SGD, Adam, Adagrad }[run.optimizer] as new (p: typeof groups, o: object) => Optimizer;
  return new Ctor(groups, run.optimizerOptions);
}

function momentumOf(group: Record<string, unknown>): number | null {
  if (Array.isArray(group.betas)) return group.betas[0] as number;
  return typeof group.momentum === "number" ? group.momentum : null;
}

describe("schedulers replayed against PyTorch 1.13", () => {
  it.each(ref.scheduleRuns.map((r) => [`${r.scheduler} ${JSON.stringify(r.options)}`, r] as const))("%s", (_name, run) => {
    const opt = makeOptimizer(run);
    const groups = opt.paramGroups as unknown as Record<string, unknown>[];
    const seenLrs: number[][] = [];
    const seenMomenta: (number | null)[][] = [];
    const record = (): void => {
      seenLrs.push(opt.paramGroups.map((g) => g.lr));
      seenMomenta.push(groups.map(momentumOf));
    };
    if (run.metrics) {
      const plateau = new ReduceLROnPlateau(opt, run.options);
      record();
      for (const m of run.metrics) {
        opt.step();
        plateau.step(m);
        record();
        expect(plateau.getLastLr()).toEqual(seenLrs[seenLrs.length - 1]);
      }
    } else {
      const sched = makers[run.scheduler]!(opt, run.options);
      record();
      expect(sched.getLastLr()).toEqual(seenLrs[0]);
      for (let t = 1; t < run.lrs.length; t++) {
        opt.step();
        if (run.epochs) sched.step(run.epochs[t - 1]);
        else sched.step();
        record();
        expect(sched.getLastLr()).toEqual(seenLrs[t]);
      }
    }
    seenLrs.forEach((lrs, t) => lrs.forEach((lr, g) => expect(lr, `lr of group ${g} at step ${t}`).toBeCloseTo(run.lrs[t]![g]!, 12)));
    seenMomenta.forEach((ms, t) =>
      ms.forEach((m, g) => {
        const want = run.momenta[t]![g]!;
        if (want === null) expect(m).toBeNull();
        else expect(m, `momentum of group ${g} at step ${t}`).toBeCloseTo(want, 12);
      }),
    );
  });
});

describe("scheduler argument checks name the argument", () => {
  const sgd = (momentum = 0.9): SGD => new SGD([{ params: [tensor([0], { requiresGrad: true })] }, { params: [tensor([0], { requiresGrad: true })] }], { lr: 0.1, momentum });

  it("every scheduler refuses an option it does not have, naming it", () => {
    const misspelt = (o: object) => o as never;
    expect(() => new StepLR(sgd(), misspelt({ step_size: 2, stepSize: 2 }))).toThrow(/StepLR: unknown option "step_size" \(expected stepSize, gamma, lastEpoch\)/);
    expect(() => new CosineAnnealingLR(sgd(), misspelt({ T_max: 5 }))).toThrow(/CosineAnnealingLR: unknown option "T_max"/);
    expect(() => new LinearLR(sgd(), misspelt({ startFactor: 0.5, gamma: 0.1 }))).toThrow(/LinearLR: unknown option "gamma"/);
    expect(() => new ExponentialLR(sgd(), misspelt({ gamma: 0.5, verbose: true }))).toThrow(/ExponentialLR: unknown option "verbose"/);
    expect(() => new LambdaLR(sgd(), misspelt({ lr_lambda: () => 1 }))).toThrow(/LambdaLR: unknown option "lr_lambda"/);
    expect(() => new MultiStepLR(sgd(), misspelt({ milestones: [1], factor: 0.5 }))).toThrow(/MultiStepLR: unknown option "factor"/);
    expect(() => new ConstantLR(sgd(), misspelt({ total_iters: 3 }))).toThrow(/ConstantLR: unknown option "total_iters"/);
    const opt = sgd();
    expect(() => new SequentialLR(opt, misspelt({ schedulers: [new LinearLR(opt)], milestones: [], milestone: [] }))).toThrow(/SequentialLR: unknown option "milestone"/);
  });

  it("LambdaLR, MultiStepLR, ConstantLR", () => {
    expect(() => new LambdaLR(sgd(), { lrLambda: [(e) => e] })).toThrow(/LambdaLR: Expected 2 lrLambdas, but got 1/);
    expect(() => new LambdaLR(sgd(), { lrLambda: 0.5 as unknown as () => number })).toThrow(/lrLambda\[0\] should be a function/);
    expect(() => new MultiStepLR(sgd(), { milestones: [1.5] })).toThrow(/MultiStepLR: milestones should be an array of integer epochs/);
    expect(() => new PolynomialLR(sgd(), { totalIters: 0 })).toThrow(/PolynomialLR: totalIters should be a positive integer, got 0/);
    expect(() => new ConstantLR(sgd(), { factor: 2 })).toThrow(/ConstantLR: Constant multiplicative factor expected to be between 0 and 1, got 2/);
  });

  it("SequentialLR: same optimizer, one milestone fewer than schedulers", () => {
    const opt = sgd();
    const other = sgd();
    const a = new LinearLR(opt);
    expect(() => new SequentialLR(opt, { schedulers: [a, new ExponentialLR(other, { gamma: 0.9 })], milestones: [2] })).toThrow(
      /SequentialLR: expects all schedulers to belong to the same optimizer, but got the scheduler at index 1 to be different/,
    );
    expect(() => new SequentialLR(opt, { schedulers: [a, new ExponentialLR(opt, { gamma: 0.9 })], milestones: [] })).toThrow(
      /number of schedulers 2 and the number of milestones to be equal to 0/,
    );
  });

  it("OneCycleLR: steps, fractions, strategies, momentum support and stepping past the end", () => {
    expect(() => new OneCycleLR(sgd(), { maxLr: 1 })).toThrow(/You must define either totalSteps OR \(epochs AND stepsPerEpoch\)/);
    expect(() => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 0 })).toThrow(/Expected positive integer totalSteps, but got 0/);
    expect(() => new OneCycleLR(sgd(), { maxLr: 1, epochs: 2 })).toThrow(/Expected positive integer stepsPerEpoch, but got undefined/);
    expect(() => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 5, pctStart: 1.5 })).toThrow(/pctStart, but got 1.5/);
    expect(() => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 5, annealStrategy: "exp" as "cos" })).toThrow(/annealStrategy must by one of 'cos' or 'linear', instead got exp/);
    expect(() => new OneCycleLR(sgd(), { maxLr: [1, 2, 3], totalSteps: 5 })).toThrow(/expected 2 values for maxLr, got 3/);
    expect(() => new OneCycleLR(sgd(), { maxLr: 1, total_steps: 5 } as unknown as { maxLr: number })).toThrow(/OneCycleLR: unknown option "total_steps"/);
    const adagrad = new Adagrad([tensor([0], { requiresGrad: true })]);
    expect(() => new OneCycleLR(adagrad, { maxLr: 1, totalSteps: 5 })).toThrow(/optimizer must support momentum with cycleMomentum enabled \(Adagrad has neither/);
    const opt = sgd();
    const sched = new OneCycleLR(opt, { maxLr: 1, totalSteps: 2 });
    sched.step();
    sched.step();
    expect(() => sched.step()).toThrow(/Tried to step 4 times. The specified number of total steps is 2/);
  });

  it("ReduceLROnPlateau: factor, modes, minLr per group, unknown options; state round trip", () => {
    expect(() => new ReduceLROnPlateau(sgd(), { factor: 1 })).toThrow(/Factor should be < 1.0, got factor=1/);
    expect(() => new ReduceLROnPlateau(sgd(), { mode: "low" as "min" })).toThrow(/mode low is unknown/);
    expect(() => new ReduceLROnPlateau(sgd(), { thresholdMode: "pct" as "rel" })).toThrow(/thresholdMode pct is unknown/);
    expect(() => new ReduceLROnPlateau(sgd(), { minLr: [0.1] })).toThrow(/expected 2 minLrs, got 1/);
    expect(() => new ReduceLROnPlateau(sgd(), { min_lr: 0.1 } as ConstructorParameters<typeof ReduceLROnPlateau>[1])).toThrow(/unknown option "min_lr"/);
    const a = new ReduceLROnPlateau(sgd(), { patience: 1 });
    [1, 2, 3].forEach((m) => a.step(tensor(m)));
    const b = new ReduceLROnPlateau(sgd(), { patience: 1 });
    b.loadStateDict(a.stateDict());
    expect(b.stateDict()).toEqual(a.stateDict());
    expect(a.numBadEpochs).toBe(0);
    expect(a.best).toBe(1);
  });

  it("OneCycleLR resumes from a restored optimizer with lastEpoch, continuing the same cycle", () => {
    const opt = sgd();
    const sched = new OneCycleLR(opt, { maxLr: 1, totalSteps: 10 });
    for (let i = 0; i < 4; i++) sched.step();
    const saved = opt.stateDict();
    const rest = () => Array.from({ length: 6 }, () => (sched.step(), opt.paramGroups.map((g) => [g.lr, (g as unknown as { momentum: number }).momentum])));
    const resumed = sgd(0.5);
    resumed.loadStateDict(saved);
    const again = new OneCycleLR(resumed, { maxLr: 1, totalSteps: 10, lastEpoch: 3 });
    const resumedRest = Array.from({ length: 6 }, () => (again.step(), resumed.paramGroups.map((g) => [g.lr, (g as unknown as { momentum: number }).momentum])));
    expect(resumedRest).toEqual(rest());
    expect(() => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, lastEpoch: 3 })).toThrow(/param 'initialLr' is not specified in paramGroups\[0\]/);
    const half = sgd();
    half.paramGroups.forEach((g) => (g.initialLr = 0.1));
    expect(() => new OneCycleLR(half, { maxLr: 1, totalSteps: 10, lastEpoch: 3 })).toThrow(/param 'maxLr' is not specified in paramGroups\[0\] when resuming/);
  });

  it("CosineAnnealingWarmRestarts: t0, tMult and epochs", () => {
    expect(() => new CosineAnnealingWarmRestarts(sgd(), { t0: 0 })).toThrow(/Expected positive integer t0, but got 0/);
    expect(() => new CosineAnnealingWarmRestarts(sgd(), { t0: 2, tMult: 1.5 })).toThrow(/Expected integer tMult >= 1, but got 1.5/);
    expect(() => new CosineAnnealingWarmRestarts(sgd(), { t0: 2 }).step(-1)).toThrow(/Expected non-negative epoch, but got -1/);
  });

  it("ChainedScheduler: one optimizer for all", () => {
    expect(() => new ChainedScheduler([])).toThrow(/ChainedScheduler: schedulers should be a non-empty array of schedulers/);
    expect(() => new ChainedScheduler([new LinearLR(sgd()), new LinearLR(sgd())])).toThrow(/ChainedScheduler: expects all schedulers to belong to the same optimizer, but got the scheduler at index 1/);
  });

  it("SequentialLR's state dict carries its schedulers' states", () => {
    const opt = sgd();
    const seq = new SequentialLR(opt, { schedulers: [new LinearLR(opt, { totalIters: 2 }), new ExponentialLR(opt, { gamma: 0.5 })], milestones: [2] });
    for (let i = 0; i < 4; i++) seq.step();
    const state = seq.stateDict();
    expect(state.lastEpoch).toBe(4);
    expect(state.schedulers.map((s) => s.lastEpoch)).toEqual([1, 2]);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tensor } from "../../src/tensor/index.js";
import { CosineAnnealingLR, ExponentialLR, LinearLR, SGD, StepLR, type LRScheduler, type Optimizer } from "../../src/optim/index.js";

interface SchedulerCase {
  scheduler: keyof typeof schedulers;
  options: Record<string, number>;
  groupLrs: number[];
  lrs: number[][];
}
const schedulers = {
  StepLR: (o: Optimizer, opts: Record<string, number>) => new StepLR(o, opts as { stepSize: number }),
  LinearLR: (o: Optimizer, opts: Record<string, number>) => new LinearLR(o, opts),
  ExponentialLR: (o: Optimizer, opts: Record<string, number>) => new ExponentialLR(o, opts as { gamma: number }),
  CosineAnnealingLR: (o: Optimizer, opts: Record<string, number>) => new CosineAnnealingLR(o, opts as { tMax: number }),
} satisfies Record<string, (o: Optimizer, opts: Record<string, number>) => LRScheduler>;

const ref = JSON.parse(readFileSync(new URL("../fixtures/torch_optim_reference.json", import.meta.url), "utf8")) as {
  schedulers: SchedulerCase[];
};

describe("schedulers against PyTorch 1.13", () => {
  it.each(ref.schedulers.map((c) => [`${c.scheduler} ${JSON.stringify(c.options)}`, c] as const))("%s", (_name, c) => {
    const opt = new SGD(
      c.groupLrs.map((lr) => ({ params: [tensor([0, 0], { requiresGrad: true })], lr })),
      { lr: 0.1 },
    );
    const sched = schedulers[c.scheduler](opt, c.options);
    const seen = [sched.getLastLr()];
    for (let epoch = 0; epoch < c.lrs.length - 1; epoch++) {
      opt.step();
      sched.step();
      seen.push(sched.getLastLr());
    }
    seen.forEach((lrs, e) => lrs.forEach((lr, g) => expect(lr).toBeCloseTo(c.lrs[e]![g]!, 12)));
    expect(opt.paramGroups.map((g) => g.lr)).toEqual(seen[seen.length - 1]);
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual(c.groupLrs);
  });

  it("rejects bad settings", () => {
    const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 0.1 });
    expect(() => new StepLR(opt, { stepSize: 0 })).toThrow(/stepSize should be a positive integer/);
    expect(() => new LinearLR(opt, { startFactor: 0 })).toThrow(/Starting multiplicative factor/);
    expect(() => new LinearLR(opt, { endFactor: 2 })).toThrow(/Ending multiplicative factor/);
    expect(() => new CosineAnnealingLR(opt, { tMax: 0 })).toThrow(/tMax should be a positive integer/);
    expect(() => new ExponentialLR(opt, { gamma: 0 })).toThrow(/gamma should be > 0/);
  });
});

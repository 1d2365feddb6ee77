import { ArgumentError } from "../tensor/index.js";
import { checkOptions } from "../tensor/options.js";
import { LRScheduler } from "./lr-scheduler.js";
import type { Optimizer } from "./optimizer.js";

/** OneCycleLR's settings (PyTorch's keyword arguments in camelCase). */
export interface OneCycleLROptions {
  /** Peak rate: one for all groups or one per group. */
  maxLr: number | number[];
  /** Steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the rate (default 0.3). */
  pctStart?: number;
  annealStrategy?: "cos" | "linear";
  /** Cycle momentum (SGD, RMSprop) or beta1 (Adam) inversely to the rate (default true). */
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  /** initialLr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  threePhase?: boolean;
  lastEpoch?: number;
}

const OPTIONS = [
  "maxLr", "totalSteps", "epochs", "stepsPerEpoch", "pctStart", "annealStrategy", "cycleMomentum",
  "baseMomentum", "maxMomentum", "divFactor", "finalDivFactor", "threePhase", "lastEpoch",
] as const;

/** One stretch of the cycle: the rate (and momentum) move from one group field to another until `endStep`. */
interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

type GroupFields = Record<string, unknown> & { lr: number };

/** Cosine anneal from `start` to `end` as pct goes from 0 to 1. */
function annealCos(start: number, end: number, pct: number): number {
  return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
}

/** Linear anneal from `start` to `end` as pct goes from 0 to 1. */
function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new ArgumentError(`OneCycleLR: Expected positive integer ${name}, but got ${String(value)}`);
  }
  return value;
}

/**
 * The 1cycle policy, PyTorch's `OneCycleLR`, stepped once per batch: the rate rises from
 * maxLr/divFactor to maxLr over pctStart of `totalSteps`, then anneals to initialLr/finalDivFactor;
 * momentum (or Adam's beta1) moves the opposite way between maxMomentum and baseMomentum. Within a
 * phase from a to b: lr = b + (a − b)·(1 + cos(π·pct))/2 ("cos") or a + (b − a)·pct ("linear").
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly cycleMomentum: boolean;
  private readonly useBeta1: boolean;
  private readonly phases: Phase[];
  private readonly anneal: (start: number, end: number, pct: number) => number;

  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    // Settings are checked before the base class touches the optimizer's groups.
    if (options === undefined) throw new ArgumentError("OneCycleLR: options with maxLr and totalSteps (or epochs and stepsPerEpoch) are required");
    checkOptions(options, OPTIONS, "OneCycleLR");
    const {
      maxLr, totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = "cos", cycleMomentum = true,
      baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false, lastEpoch = -1,
    } = options;
    if (totalSteps === undefined && epochs === undefined && stepsPerEpoch === undefined) {
      throw new ArgumentError("OneCycleLR: You must define either totalSteps OR (epochs AND stepsPerEpoch)");
    }
    const n =
      totalSteps !== undefined ? positiveInteger("totalSteps", totalSteps) : positiveInteger("epochs", epochs) * positiveInteger("stepsPerEpoch", stepsPerEpoch);
    if (typeof pctStart !== "number" || !(pctStart >= 0 && pctStart <= 1)) {
      throw new ArgumentError(`OneCycleLR: Expected float between 0 and 1 pctStart, but got ${String(pctStart)}`);
    }
    if (annealStrategy !== "cos" && annealStrategy !== "linear") {
      throw new ArgumentError(`OneCycleLR: annealStrategy must by one of 'cos' or 'linear', instead got ${String(annealStrategy)}`);
    }
    super(optimizer, lastEpoch);
    this.totalSteps = n;
    this.anneal = annealStrategy === "cos" ? annealCos : annealLinear;
    this.phases = threePhase
      ? [
          { endStep: pctStart * n - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
          { endStep: 2 * pctStart * n - 2, startLr: "maxLr", endLr: "initialLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
          { endStep: n - 1, startLr: "initialLr", endLr: "minLr", startMomentum: "maxMomentum", endMomentum: "maxMomentum" },
        ]
      : [
          { endStep: pctStart * n - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
          { endStep: n - 1, startLr: "maxLr", endLr: "minLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
        ];
    const groups = optimizer.paramGroups as unknown as GroupFields[];
    const maxLrs = perGroup("maxLr", maxLr, groups.length);
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i]! / divFactor;
        g.maxLr = maxLrs[i]!;
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
      this.baseLrs.splice(0, this.baseLrs.length, ...groups.map((g) => g.initialLr as number));
    } else {
      requireGroupFields(groups, ["maxLr", "minLr"]);
    }
    this.cycleMomentum = cycleMomentum;
    const defaults = optimizer.defaults as Record<string, unknown>;
    this.useBeta1 = "betas" in defaults;
    if (cycleMomentum) {
      if (!("momentum" in defaults) && !this.useBeta1) {
        throw new ArgumentError(
          `OneCycleLR: optimizer must support momentum with cycleMomentum enabled (${optimizer.constructor.name} has neither momentum nor betas); pass cycleMomentum: false`,
        );
      }
      const maxMomentums = perGroup("maxMomentum", maxMomentum, groups.length);
      const baseMomentums = perGroup("baseMomentum", baseMomentum, groups.length);
      if (lastEpoch !== -1) requireGroupFields(groups, ["maxMomentum", "baseMomentum"]);
      else {
        groups.forEach((g, i) => {
          this.setMomentum(g, maxMomentums[i]!);
          g.maxMomentum = maxMomentums[i]!;
          g.baseMomentum = baseMomentums[i]!;
        });
      }
    }
    this.step();
  }

  private setMomentum(group: GroupFields, value: number): void {
    if (this.useBeta1) group.betas = [value, (group.betas as number[])[1]];
    else group.momentum = value;
  }

  protected getLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.totalSteps) {
      throw new ArgumentError(`OneCycleLR: Tried to step ${step + 1} times. The specified number of total steps is ${this.totalSteps}`);
    }
    const groups = this.optimizer.paramGroups as unknown as GroupFields[];
    return groups.map((g) => {
      let start = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i]!;
        if (step <= phase.endStep || i === this.phases.length - 1) {
          const pct = (step - start) / (phase.endStep - start);
          if (this.cycleMomentum) this.setMomentum(g, this.anneal(g[phase.startMomentum] as number, g[phase.endMomentum] as number, pct));
          return this.anneal(g[phase.startLr] as number, g[phase.endLr] as number, pct);
        }
        start = phase.endStep;
      }
      return g.lr;
    });
  }
}

/** A per-group setting given once for all groups or as an array with one value per group. */
function perGroup(name: string, value: number | number[], groups: number): number[] {
  if (Array.isArray(value)) {
    if (value.length !== groups) throw new ArgumentError(`OneCycleLR: expected ${groups} values for ${name}, got ${value.length}`);
    return value;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ArgumentError(`OneCycleLR: ${name} should be a number, got ${String(value)}`);
  return Array.from({ length: groups }, () => value);
}

/** Resuming (`lastEpoch` ≥ 0) reads the cycle's bounds from the groups, as a restored optimizer has them. */
function requireGroupFields(groups: readonly Record<string, unknown>[], fields: readonly string[]): void {
  groups.forEach((g, i) => {
    for (const f of fields) {
      if (typeof g[f] !== "number") {
        throw new ArgumentError(`OneCycleLR: param '${f}' is not specified in paramGroups[${i}] when resuming (lastEpoch ≥ 0): load the optimizer's stateDict first`);
      }
    }
  });
}

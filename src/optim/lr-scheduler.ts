import { ArgumentError } from "../tensor/index.js";
import type { Optimizer } from "./optimizer.js";
import { checkOptions } from "../tensor/options.js";

/**
 * Base of the learning-rate schedulers, as PyTorch's `LRScheduler`: construction records each group's
 * `initialLr` (unless a scheduler built before already did) and applies epoch 0; every `step()` (once
 * per epoch, after `optimizer.step()`) advances `lastEpoch` and writes the new rates into the groups.
 */
export abstract class LRScheduler {
  readonly optimizer: Optimizer;
  readonly baseLrs: number[];
  lastEpoch: number;
  protected lastLr: number[] = [];

  constructor(optimizer: Optimizer, lastEpoch = -1) {
    this.optimizer = optimizer;
    if (lastEpoch === -1) {
      // PyTorch's setdefault: a second scheduler on the same optimizer keeps the first one's base rates.
      for (const g of optimizer.paramGroups) g.initialLr ??= g.lr;
    } else {
      optimizer.paramGroups.forEach((g, i) => {
        if (g.initialLr === undefined) {
          throw new ArgumentError(`${new.target.name}: param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer`);
        }
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /** The rates for `lastEpoch`, computed from the groups' current rates (PyTorch's chainable form). */
  protected abstract getLr(): number[];

  /** The rates at `lastEpoch` from `baseLrs` alone, for schedulers that have such a formula. */
  protected closedFormLr?(): number[];

  /**
   * Advances one epoch and sets each group's `lr`. `step(epoch)` (deprecated in PyTorch, used by
   * `SequentialLR`) jumps to `epoch`, by the closed form when the scheduler has one.
   */
  step(epoch?: number): void {
    let lrs: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      lrs = this.getLr();
    } else {
      this.lastEpoch = epoch;
      lrs = this.closedFormLr?.() ?? this.getLr();
    }
    this.setLrs(lrs);
  }

  /** Writes one rate per group into the optimizer and remembers them for `getLastLr()`. */
  protected setLrs(lrs: number[]): void {
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]!));
    this.lastLr = lrs;
  }

  /** The rates last set by the scheduler, one per parameter group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): { lastEpoch: number; baseLrs: number[]; lastLr: number[] } {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs], lastLr: [...this.lastLr] };
  }

  loadStateDict(state: { lastEpoch: number; baseLrs: number[]; lastLr: number[] }): void {
    this.lastEpoch = state.lastEpoch;
    this.baseLrs.splice(0, this.baseLrs.length, ...state.baseLrs);
    this.lastLr = [...state.lastLr];
  }

  protected currentLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

/** Multiplies every group's rate by `gamma` every `stepSize` epochs: lr = initialLr · gamma^⌊epoch/stepSize⌋. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: { stepSize: number; gamma?: number; lastEpoch?: number }) {
    checkOptions(options, ["stepSize", "gamma", "lastEpoch"], "StepLR");
    const { stepSize, gamma = 0.1, lastEpoch = -1 } = options;
    super(optimizer, lastEpoch);
    if (!Number.isInteger(stepSize) || stepSize <= 0) throw new ArgumentError(`StepLR: stepSize should be a positive integer, got ${stepSize}`);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.step();
  }

  protected getLr(): number[] {
    const lrs = this.currentLrs();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/**
 * Moves every group's rate linearly from `startFactor`·initialLr to `endFactor`·initialLr over
 * `totalIters` epochs, then holds it: lr = initialLr · (start + (end − start)·min(epoch, totalIters)/totalIters).
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(
    optimizer: Optimizer,
    options: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {},
  ) {
    checkOptions(options, ["startFactor", "endFactor", "totalIters", "lastEpoch"], "LinearLR");
    const { startFactor = 1 / 3, endFactor = 1.0, totalIters = 5, lastEpoch = -1 } = options;
    super(optimizer, lastEpoch);
    if (!(startFactor > 0 && startFactor <= 1)) {
      throw new ArgumentError(`LinearLR: Starting multiplicative factor expected to be greater than 0 and less or equal to 1, got ${startFactor}`);
    }
    if (!(endFactor >= 0 && endFactor <= 1)) {
      throw new ArgumentError(`LinearLR: Ending multiplicative factor expected to be between 0 and 1, got ${endFactor}`);
    }
    if (!Number.isInteger(totalIters) || totalIters <= 0) throw new ArgumentError(`LinearLR: totalIters should be a positive integer, got ${totalIters}`);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.step();
  }

  protected getLr(): number[] {
    const lrs = this.currentLrs();
    if (this.lastEpoch === 0) return lrs.map((lr) => lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return lrs;
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return lrs.map((lr) => lr * (1 + (e - s) / (n * s + (this.lastEpoch - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((lr) => lr * (s + ((e - s) * Math.min(n, this.lastEpoch)) / n));
  }
}

/** Multiplies every group's rate by `gamma` every epoch: lr = initialLr · gamma^epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: { gamma: number; lastEpoch?: number }) {
    checkOptions(options, ["gamma", "lastEpoch"], "ExponentialLR");
    const { gamma, lastEpoch = -1 } = options;
    super(optimizer, lastEpoch);
    if (!(gamma > 0)) throw new ArgumentError(`ExponentialLR: gamma should be > 0, got ${gamma}`);
    this.gamma = gamma;
    this.step();
  }

  protected getLr(): number[] {
    const lrs = this.currentLrs();
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** this.lastEpoch);
  }
}

/**
 * Cosine annealing from initialLr down to `etaMin` over `tMax` epochs and back up, as PyTorch
 * (without restarts): lr = etaMin + (initialLr − etaMin)·(1 + cos(π·epoch/tMax))/2.
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer, options: { tMax: number; etaMin?: number; lastEpoch?: number }) {
    checkOptions(options, ["tMax", "etaMin", "lastEpoch"], "CosineAnnealingLR");
    const { tMax, etaMin = 0, lastEpoch = -1 } = options;
    super(optimizer, lastEpoch);
    if (!Number.isInteger(tMax) || tMax <= 0) throw new ArgumentError(`CosineAnnealingLR: tMax should be a positive integer, got ${tMax}`);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.step();
  }

  /** PyTorch's recursive form, so it composes with changes made to the rates by others. */
  protected getLr(): number[] {
    const { tMax, etaMin, lastEpoch: e } = this;
    const lrs = this.currentLrs();
    if (e === 0) return lrs;
    if ((e - 1 - tMax) % (2 * tMax) === 0) {
      return lrs.map((lr, i) => lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return lrs.map(
      (lr) => ((1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax))) * (lr - etaMin) + etaMin,
    );
  }

  protected override closedFormLr(): number[] {
    const { tMax, etaMin } = this;
    return this.baseLrs.map((lr) => etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / tMax))) / 2);
  }
}

/**
 * Each group's rate is its initial rate times a function of the epoch: lr = initialLr · lrLambda(epoch).
 * A warm-up: `new LambdaLR(opt, { lrLambda: (e) => Math.min(1, (e + 1) / warmup) })`.
 */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: ((epoch: number) => number)[];

  /** `lrLambda`: one function for every group, or an array with one per group. */
  constructor(
    optimizer: Optimizer,
    options: { lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[]; lastEpoch?: number },
  ) {
    checkOptions(options, ["lrLambda", "lastEpoch"], "LambdaLR");
    const { lrLambda, lastEpoch = -1 } = options;
    super(optimizer, lastEpoch);
    const groups = optimizer.paramGroups.length;
    if (Array.isArray(lrLambda)) {
      if (lrLambda.length !== groups) throw new ArgumentError(`LambdaLR: Expected ${groups} lrLambdas, but got ${lrLambda.length}`);
      this.lrLambdas = [...lrLambda];
    } else {
      this.lrLambdas = Array.from({ length: groups }, () => lrLambda);
    }
    this.lrLambdas.forEach((f, i) => {
      if (typeof f !== "function") throw new ArgumentError(`LambdaLR: lrLambda[${i}] should be a function of the epoch, got ${typeof f}`);
    });
    this.step();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((lr, i) => lr * this.lrLambdas[i]!(this.lastEpoch));
  }
}

/** Multiplies every group's rate by `gamma` at each milestone epoch: lr = initialLr · gamma^(milestones passed). */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: { milestones: number[]; gamma?: number; lastEpoch?: number }) {
    checkOptions(options, ["milestones", "gamma", "lastEpoch"], "MultiStepLR");
    const { milestones, gamma = 0.1, lastEpoch = -1 } = options;
    super(optimizer, lastEpoch);
    if (!Array.isArray(milestones) || milestones.some((m) => !Number.isInteger(m))) {
      throw new ArgumentError(`MultiStepLR: milestones should be an array of integer epochs, got ${JSON.stringify(milestones)}`);
    }
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = gamma;
    this.step();
  }

  protected getLr(): number[] {
    // A milestone listed twice decays twice, as PyTorch's Counter does.
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    return this.currentLrs().map((lr) => (hits === 0 ? lr : lr * this.gamma ** hits));
  }

  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((lr) => lr * this.gamma ** passed);
  }
}

/**
 * Scales every group's rate by `factor` for the first `totalIters` epochs, then restores it (a
 * constant warm-up): lr = initialLr · (epoch < totalIters ? factor : 1).
 */
export class ConstantLR extends LRScheduler {
  readonly factor: number;
  readonly totalIters: number;

  constructor(optimizer: Optimizer, options: { factor?: number; totalIters?: number; lastEpoch?: number } = {}) {
    checkOptions(options, ["factor", "totalIters", "lastEpoch"], "ConstantLR");
    const { factor = 1 / 3, totalIters = 5, lastEpoch = -1 } = options;
    super(optimizer, lastEpoch);
    if (!(factor >= 0 && factor <= 1)) throw new ArgumentError(`ConstantLR: Constant multiplicative factor expected to be between 0 and 1, got ${factor}`);
    if (!Number.isInteger(totalIters) || totalIters < 0) throw new ArgumentError(`ConstantLR: totalIters should be a non-negative integer, got ${totalIters}`);
    this.factor = factor;
    this.totalIters = totalIters;
    this.step();
  }

  protected getLr(): number[] {
    const lrs = this.currentLrs();
    if (this.lastEpoch === 0) return lrs.map((lr) => lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return lrs;
    return lrs.map((lr) => lr * (1 / this.factor));
  }

  protected override closedFormLr(): number[] {
    const after = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((lr) => lr * (this.factor + after * (1 - this.factor)));
  }
}

/** Decays every group's rate polynomially to 0 over `totalIters` epochs: lr = initialLr · (1 − min(epoch, totalIters)/totalIters)^power. */
export class PolynomialLR extends LRScheduler {
  readonly totalIters: number;
  readonly power: number;

  constructor(optimizer: Optimizer, options: { totalIters?: number; power?: number; lastEpoch?: number } = {}) {
    checkOptions(options, ["totalIters", "power", "lastEpoch"], "PolynomialLR");
    const { totalIters = 5, power = 1, lastEpoch = -1 } = options;
    super(optimizer, lastEpoch);
    if (!Number.isInteger(totalIters) || totalIters <= 0) throw new ArgumentError(`PolynomialLR: totalIters should be a positive integer, got ${totalIters}`);
    this.totalIters = totalIters;
    this.power = power;
    this.step();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, totalIters: n } = this;
    const lrs = this.currentLrs();
    if (e === 0 || e > n) return lrs;
    const decay = ((1 - e / n) / (1 - (e - 1) / n)) ** this.power;
    return lrs.map((lr) => lr * decay);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}

/**
 * Cosine annealing with warm restarts (SGDR), PyTorch's `CosineAnnealingWarmRestarts`: within a period
 * of T_i epochs, lr = etaMin + (initialLr − etaMin)·(1 + cos(π·T_cur/T_i))/2; the first period is `t0`
 * epochs and each next one `tMult` times longer. `step(epoch)` takes a fractional epoch, for a
 * per-batch schedule: `sched.step(epoch + i / iters)`.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly t0: number;
  readonly tMult: number;
  readonly etaMin: number;
  /** Length of the current period. */
  tI: number;
  /** Epochs since the last restart (fractional when stepped with fractional epochs). */
  tCur: number;

  constructor(optimizer: Optimizer, options: { t0: number; tMult?: number; etaMin?: number; lastEpoch?: number }) {
    checkOptions(options, ["t0", "tMult", "etaMin", "lastEpoch"], "CosineAnnealingWarmRestarts");
    const { t0, tMult = 1, etaMin = 0, lastEpoch = -1 } = options;
    super(optimizer, lastEpoch);
    if (!Number.isInteger(t0) || t0 <= 0) throw new ArgumentError(`CosineAnnealingWarmRestarts: Expected positive integer t0, but got ${t0}`);
    if (!Number.isInteger(tMult) || tMult < 1) throw new ArgumentError(`CosineAnnealingWarmRestarts: Expected integer tMult >= 1, but got ${tMult}`);
    this.t0 = t0;
    this.tI = t0;
    this.tMult = tMult;
    this.etaMin = etaMin;
    this.tCur = lastEpoch;
    this.step();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((lr) => this.etaMin + ((lr - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }

  /** Advances one epoch, or jumps to `epoch` (which may be fractional), restarting at each period's end. */
  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur += 1;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    } else {
      if (!(epoch >= 0)) throw new ArgumentError(`CosineAnnealingWarmRestarts: Expected non-negative epoch, but got ${epoch}`);
      if (epoch >= this.t0) {
        if (this.tMult === 1) {
          this.tCur = epoch % this.t0;
        } else {
          const n = Math.floor(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
          this.tCur = epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
          this.tI = this.t0 * this.tMult ** n;
        }
      } else {
        this.tI = this.t0;
        this.tCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this.setLrs(this.getLr());
  }
}

import { ArgumentError } from "../tensor/index.js";
import type { Optimizer } from "./optimizer.js";

/**
 * Base of the learning-rate schedulers, as PyTorch's `LRScheduler`: construction records each group's
 * `initialLr` and applies epoch 0; every `step()` (once per epoch, after `optimizer.step()`) advances
 * `lastEpoch` and writes the new rates into the optimizer's groups.
 */
export abstract class LRScheduler {
  readonly optimizer: Optimizer;
  readonly baseLrs: number[];
  lastEpoch: number;
  private lastLr: number[] = [];

  constructor(optimizer: Optimizer, lastEpoch = -1) {
    this.optimizer = optimizer;
    if (lastEpoch === -1) {
      for (const g of optimizer.paramGroups) g.initialLr = g.lr;
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

  /** Advances one epoch and sets each group's `lr`. */
  step(): void {
    this.lastEpoch += 1;
    const lrs = this.getLr();
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

  constructor(optimizer: Optimizer, { stepSize, gamma = 0.1, lastEpoch = -1 }: { stepSize: number; gamma?: number; lastEpoch?: number }) {
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
    { startFactor = 1 / 3, endFactor = 1.0, totalIters = 5, lastEpoch = -1 }: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {},
  ) {
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
}

/** Multiplies every group's rate by `gamma` every epoch: lr = initialLr · gamma^epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: Optimizer, { gamma, lastEpoch = -1 }: { gamma: number; lastEpoch?: number }) {
    super(optimizer, lastEpoch);
    if (!(gamma > 0)) throw new ArgumentError(`ExponentialLR: gamma should be > 0, got ${gamma}`);
    this.gamma = gamma;
    this.step();
  }

  protected getLr(): number[] {
    const lrs = this.currentLrs();
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }
}

/**
 * Cosine annealing from initialLr down to `etaMin` over `tMax` epochs and back up, as PyTorch
 * (without restarts): lr = etaMin + (initialLr − etaMin)·(1 + cos(π·epoch/tMax))/2.
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer, { tMax, etaMin = 0, lastEpoch = -1 }: { tMax: number; etaMin?: number; lastEpoch?: number }) {
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
}

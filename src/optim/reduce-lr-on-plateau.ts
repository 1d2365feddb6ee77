import { ArgumentError, Tensor } from "../tensor/index.js";
import { checkOptions } from "../tensor/options.js";
import type { Optimizer } from "./optimizer.js";

/** ReduceLROnPlateau's settings (PyTorch's keyword arguments in camelCase). */
export interface ReduceLROnPlateauOptions {
  /** "min": the metric should fall (a loss); "max": it should rise (an accuracy). */
  mode?: "min" | "max";
  /** New rate = old · factor (must be < 1; default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  threshold?: number;
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting bad epochs again. */
  cooldown?: number;
  /** Lower bound on the rate: one for all groups or one per group. */
  minLr?: number | number[];
  /** A reduction smaller than eps is skipped. */
  eps?: number;
}

const OPTIONS = ["mode", "factor", "patience", "threshold", "thresholdMode", "cooldown", "minLr", "eps"] as const;

/** What `stateDict()` returns: the counters and the best metric so far. */
export interface ReduceLROnPlateauState {
  best: number;
  numBadEpochs: number;
  cooldownCounter: number;
  lastEpoch: number;
  lastLr: number[];
}

/**
 * Reduces the rates when a metric stops improving, PyTorch's `ReduceLROnPlateau`: call
 * `step(valLoss)` once per epoch. A metric counts as better when (mode min, rel) a < best·(1 − threshold),
 * (min, abs) a < best − threshold, (max, rel) a > best·(1 + threshold), (max, abs) a > best + threshold;
 * after more than `patience` epochs without one, every group's lr ← max(lr·factor, minLr).
 */
export class ReduceLROnPlateau {
  readonly optimizer: Optimizer;
  readonly mode: "min" | "max";
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: "rel" | "abs";
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    checkOptions(options, OPTIONS, "ReduceLROnPlateau");
    const { mode = "min", factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = "rel", cooldown = 0, minLr = 0, eps = 1e-8 } = options;
    if (!(factor < 1)) throw new ArgumentError(`ReduceLROnPlateau: Factor should be < 1.0, got factor=${factor}`);
    if (mode !== "min" && mode !== "max") throw new ArgumentError(`ReduceLROnPlateau: mode ${String(mode)} is unknown! (expected "min" or "max")`);
    if (thresholdMode !== "rel" && thresholdMode !== "abs") {
      throw new ArgumentError(`ReduceLROnPlateau: thresholdMode ${String(thresholdMode)} is unknown! (expected "rel" or "abs")`);
    }
    if (!Number.isInteger(patience) || patience < 0) throw new ArgumentError(`ReduceLROnPlateau: patience should be a non-negative integer, got ${patience}`);
    if (!Number.isInteger(cooldown) || cooldown < 0) throw new ArgumentError(`ReduceLROnPlateau: cooldown should be a non-negative integer, got ${cooldown}`);
    const groups = optimizer.paramGroups.length;
    if (Array.isArray(minLr)) {
      if (minLr.length !== groups) throw new ArgumentError(`ReduceLROnPlateau: expected ${groups} minLrs, got ${minLr.length}`);
      this.minLrs = [...minLr];
    } else {
      this.minLrs = Array.from({ length: groups }, () => minLr);
    }
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.eps = eps;
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The worst possible metric for the mode: where `best` starts. */
  private get modeWorse(): number {
    return this.mode === "min" ? Infinity : -Infinity;
  }

  /** True while waiting out the cooldown after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    const t = this.threshold;
    if (this.mode === "min") return this.thresholdMode === "rel" ? a < best * (1 - t) : a < best - t;
    return this.thresholdMode === "rel" ? a > best * (t + 1) : a > best + t;
  }

  /** Records one epoch's metric (a number or a one-element tensor) and reduces the rates after a plateau. */
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? metric.item() : metric;
    if (typeof current !== "number") throw new ArgumentError(`ReduceLROnPlateau.step: metric should be a number or a one-element Tensor, got ${typeof metric}`);
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs during the cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const newLr = Math.max(g.lr * this.factor, this.minLrs[i]!);
      if (g.lr - newLr > this.eps) g.lr = newLr;
    });
  }

  /** The groups' rates after the last `step()`. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): ReduceLROnPlateauState {
    const { best, numBadEpochs, cooldownCounter, lastEpoch } = this;
    return { best, numBadEpochs, cooldownCounter, lastEpoch, lastLr: [...this.lastLr] };
  }

  loadStateDict(state: ReduceLROnPlateauState): void {
    ({ best: this.best, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter, lastEpoch: this.lastEpoch } = state);
    this.lastLr = [...state.lastLr];
  }
}

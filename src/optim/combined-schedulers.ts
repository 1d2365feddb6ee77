// Schedulers made of schedulers: SequentialLR runs them one after the other (a warm-up, then a decay),
// ChainedScheduler steps them all together (their factors multiply).
import { ArgumentError } from "../tensor/index.js";
import { checkOptions } from "../tensor/options.js";
import { LRScheduler } from "./lr-scheduler.js";
import type { Optimizer } from "./optimizer.js";

/** What a combined scheduler's `stateDict()` returns: its own epoch and rates, and each scheduler's state. */
export interface CombinedSchedulerState {
  lastEpoch: number;
  baseLrs: number[];
  lastLr: number[];
  schedulers: ReturnType<LRScheduler["stateDict"]>[];
}

/** Holds schedulers of one optimizer and saves their states with its own. */
abstract class CombinedScheduler extends LRScheduler {
  readonly schedulers: LRScheduler[];

  constructor(owner: string, optimizer: Optimizer, schedulers: LRScheduler[], lastEpoch: number) {
    super(optimizer, lastEpoch);
    if (!Array.isArray(schedulers) || schedulers.length === 0) {
      throw new ArgumentError(`${owner}: schedulers should be a non-empty array of schedulers`);
    }
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler) || s.optimizer !== optimizer) {
        throw new ArgumentError(`${owner}: expects all schedulers to belong to the same optimizer, but got the scheduler at index ${i} to be different`);
      }
    });
    this.schedulers = [...schedulers];
  }

  /** The rates the schedulers set (a combined scheduler computes none of its own). */
  protected getLr(): number[] {
    return this.currentLrs();
  }

  override stateDict(): CombinedSchedulerState {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(state: CombinedSchedulerState): void {
    super.loadStateDict(state);
    state.schedulers.forEach((s, i) => this.schedulers[i]?.loadStateDict(s));
  }
}

/**
 * Runs `schedulers` one after the other, as PyTorch's `SequentialLR`: scheduler i drives the rates
 * from epoch milestones[i − 1] on, restarted at its epoch 0 there. A warm-up then a decay:
 * `new SequentialLR(opt, { schedulers: [new LinearLR(opt, { startFactor: 0.1, totalIters: 5 }), cosine], milestones: [5] })`.
 */
export class SequentialLR extends CombinedScheduler {
  readonly milestones: number[];

  constructor(optimizer: Optimizer, options: { schedulers: LRScheduler[]; milestones: number[]; lastEpoch?: number }) {
    checkOptions(options, ["schedulers", "milestones", "lastEpoch"], "SequentialLR");
    const { schedulers, milestones, lastEpoch = -1 } = options;
    super("SequentialLR", optimizer, schedulers, lastEpoch);
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new ArgumentError(
        `SequentialLR: Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${Array.isArray(milestones) ? milestones.length : String(milestones)}`,
      );
    }
    this.milestones = [...milestones];
    this.lastEpoch = lastEpoch + 1;
    // Every scheduler applied its epoch 0 when built: undo that and let only the first one start.
    for (const g of optimizer.paramGroups) g.lr = g.initialLr!;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0]!.step();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  /** Advances one epoch: the scheduler whose turn it is steps, restarting at 0 on its milestone. */
  override step(): void {
    this.lastEpoch += 1;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const scheduler = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }
}

/**
 * Steps every scheduler at once, as PyTorch's `ChainedScheduler`, so their factors multiply, e.g. a
 * constant warm-up inside an exponential decay: `new ChainedScheduler([warmup, decay])`.
 */
export class ChainedScheduler extends CombinedScheduler {
  constructor(schedulers: LRScheduler[]) {
    const first = Array.isArray(schedulers) ? schedulers[0] : undefined;
    if (!(first instanceof LRScheduler)) throw new ArgumentError("ChainedScheduler: schedulers should be a non-empty array of schedulers");
    super("ChainedScheduler", first.optimizer, schedulers, -1);
    this.lastLr = this.currentLrs();
  }

  /** Steps every scheduler, in order. */
  override step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLr = this.currentLrs();
  }
}

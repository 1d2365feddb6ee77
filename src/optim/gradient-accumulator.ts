import { ArgumentError, Tensor } from "../tensor/index.js";
// Internal: a micro-batch with no items is never back-propagated, but its graph must still be freed.
import { releaseGraph } from "../tensor/autograd.js";
import { formatShape } from "../tensor/shape.js";
import { clipGradNorm, totalGradNorm } from "./clip-grad-norm.js";
import type { LRScheduler } from "./lr-scheduler.js";
import type { Optimizer } from "./optimizer.js";

/** What `onStep` receives after each optimizer step. */
export interface AccumulationStep {
  /** Optimizer steps taken so far, this one included. */
  optimizerSteps: number;
  /** Micro-batches in this step's window: `steps`, or fewer for a flushed partial window. */
  microBatches: number;
  /** Items (samples, or real tokens of a masked loss) this step averaged over; `null` when `backward` got no counts. */
  items: number | null;
  /** Gradient 2-norm after normalisation to the window's mean, before clipping. */
  gradNorm: number;
  /** Learning rate of the first parameter group used by this step (before the scheduler moved it). */
  lr: number;
}

/** How each micro-batch's loss reduces its items, as a loss's `reduction`. */
export type AccumulationReduction = "mean" | "sum";

export interface GradientAccumulatorOptions {
  optimizer: Optimizer;
  /** Micro-batches per optimizer step (the accumulation steps N). */
  steps: number;
  /**
   * `"mean"` (default): `backward(loss, count)` gets the mean over `count` items. `"sum"`: it gets
   * their sum (a loss with `reduction: "sum"`), and `count` is required.
   */
  reduction?: AccumulationReduction;
  /**
   * Counts are summed item weights, not numbers of items: for a class-weighted loss, whose mean divides
   * by the summed weights of its targets. They may then be any finite number ≥ 0.
   */
  weightedCounts?: boolean;
  /** When set, clips the normalised gradient's 2-norm to this value before each step. */
  clipNorm?: number;
  /** A learning-rate scheduler stepped once per optimizer step (never per micro-batch). */
  scheduler?: LRScheduler;
  onStep?: (step: AccumulationStep) => void;
}

/**
 * Gradient accumulation with exact windows. Call `backward(loss, count)` once per micro-batch, where
 * `loss` is the mean over `count` items (samples, or the real tokens of a masked loss). Each optimizer
 * step then applies the gradient of the mean over every item of its window, whatever the counts:
 *
 *     g = Σ_i count_i · ∇loss_i / Σ_i count_i      (with reduction "sum": Σ_i ∇loss_i / Σ_i count_i)
 *
 * Every `steps` micro-batches it normalises, clips (optionally), steps, zeroes and steps the scheduler;
 * `flush()` at the end of an epoch does the same for a trailing partial window. A micro-batch with
 * count 0 contributes nothing (its mean is NaN and is never back-propagated); a window whose counts
 * sum to 0 takes no step. Equal counts back-propagate `loss / steps`, bit for bit the article's
 * recipe. Without counts, every micro-batch weighs the same (the article's recipe, exact only when
 * they hold equal numbers of items), and `flush()` takes the mean of the k micro-batches it has.
 * Not exact for models with batch statistics (BatchNorm): each micro-batch normalises by its own.
 */
export class GradientAccumulator {
  readonly optimizer: Optimizer;
  readonly steps: number;
  readonly reduction: AccumulationReduction;
  readonly weightedCounts: boolean;
  readonly clipNorm: number | undefined;
  readonly scheduler: LRScheduler | undefined;
  private readonly onStep: ((step: AccumulationStep) => void) | undefined;
  /** Micro-batches whose gradients are accumulated but not yet applied (0..steps-1 between calls). */
  pendingMicroBatches = 0;
  /** Position (1..steps) of the last micro-batch in its window; 0 before the first. */
  microBatch = 0;
  /** Items counted so far in the window of the last micro-batch (after a step: that step's total); `null` without counts. */
  windowItems: number | null = null;
  /** Items the last optimizer step averaged over (its true effective batch size); `null` before it, or without counts. */
  effectiveBatchSize: number | null = null;
  /** Optimizer steps taken so far. */
  optimizerSteps = 0;
  /** Windows whose counts summed to 0, so no step was taken. */
  skippedWindows = 0;
  /** Gradient 2-norm (after normalisation, before clipping) at the last optimizer step; `null` before the first. */
  lastGradNorm: number | null = null;
  /** Whether the current window's micro-batches came with counts (`null` while it is empty). */
  private windowCounted: boolean | null = null;
  /** The window's first non-zero count: micro-batches are scaled relative to it (see `lossScale`). */
  private referenceCount: number | null = null;
  private pendingItems = 0;

  constructor({ optimizer, steps, reduction = "mean", weightedCounts = false, clipNorm, scheduler, onStep }: GradientAccumulatorOptions) {
    if (typeof (optimizer as { step?: unknown } | undefined)?.step !== "function") {
      throw new ArgumentError(`GradientAccumulator: optimizer should be an optimizer (e.g. new optim.SGD(model.parameters(), { lr })), got ${optimizer === null ? "null" : typeof optimizer}`);
    }
    if (!Number.isInteger(steps) || steps < 1) throw new ArgumentError(`GradientAccumulator: steps should be a positive integer, got ${steps}`);
    if (reduction !== "mean" && reduction !== "sum") {
      throw new ArgumentError(`GradientAccumulator: reduction should be "mean" or "sum", got ${JSON.stringify(reduction)}`);
    }
    if (clipNorm !== undefined && !(clipNorm > 0)) throw new ArgumentError(`GradientAccumulator: clipNorm should be a positive number, got ${clipNorm}`);
    if (scheduler !== undefined && scheduler.optimizer !== optimizer) {
      throw new ArgumentError("GradientAccumulator: scheduler should schedule the accumulator's own optimizer");
    }
    this.optimizer = optimizer;
    this.steps = steps;
    this.reduction = reduction;
    this.weightedCounts = weightedCounts;
    this.clipNorm = clipNorm;
    this.scheduler = scheduler;
    this.onStep = onStep;
    // Gradients left from before would leak into the first window.
    optimizer.zeroGrad();
  }

  /** Current learning rate of the first parameter group. */
  get lr(): number {
    return this.optimizer.paramGroups[0]!.lr;
  }

  /**
   * Back-propagates one micro-batch's `loss` (the mean over `count` items; with reduction "sum", their
   * sum) scaled for its window, and steps the optimizer when the window is full. Returns whether it stepped.
   */
  backward(loss: Tensor, count?: number): boolean {
    this.checkLoss(loss);
    const counted = count !== undefined;
    if (counted) this.checkCount(count);
    else if (this.reduction === "sum") {
      throw new ArgumentError('GradientAccumulator.backward: count is required with reduction "sum" (the number of items the loss sums over)');
    }
    if (this.windowCounted !== null && this.windowCounted !== counted) {
      const [had, has] = this.windowCounted ? ["with", "without"] : ["without", "with"];
      throw new ArgumentError(
        `GradientAccumulator.backward: count: this window's ${this.pendingMicroBatches} earlier micro-batch(es) came ${had} a count, this one ${has}; ` +
          "give a count for every micro-batch of a window or for none",
      );
    }
    if (!counted) loss.div(this.steps).backward();
    else if (count === 0) releaseGraph(loss); // nothing to average: its mean is NaN, its gradient must not enter
    else {
      this.referenceCount ??= count;
      const scale = this.lossScale(count, this.referenceCount);
      (scale === null ? loss.div(this.steps) : loss.mul(scale)).backward();
    }
    this.windowCounted = counted;
    this.pendingMicroBatches += 1;
    this.microBatch = this.pendingMicroBatches;
    if (counted) this.pendingItems += count;
    this.windowItems = counted ? this.pendingItems : null;
    if (this.pendingMicroBatches < this.steps) return false;
    return this.applyWindow();
  }

  /** Steps a trailing partial window (k < steps micro-batches) as the mean over its items. Returns whether it stepped. */
  flush(): boolean {
    if (this.pendingMicroBatches === 0) return false;
    return this.applyWindow();
  }

  /**
   * The factor a counted micro-batch's loss is multiplied by before backward, relative to the
   * window's reference count r: count/(steps·r) for a mean, 1/(steps·r) for a sum; `applyWindow`
   * multiplies by steps·r/Σcount. `null` means "divide by steps", the same bits as the article.
   */
  private lossScale(count: number, reference: number): number | null {
    if (this.reduction === "sum") return 1 / (this.steps * reference);
    return count === reference ? null : count / (this.steps * reference);
  }

  /** Normalises the window's gradient to its mean, then clips, steps and reports (or skips an empty window). */
  private applyWindow(): boolean {
    const microBatches = this.pendingMicroBatches;
    const items = this.windowCounted ? this.pendingItems : null;
    const reference = this.referenceCount;
    this.pendingMicroBatches = 0;
    this.pendingItems = 0;
    this.windowCounted = null;
    this.referenceCount = null;
    if (items === 0) {
      this.optimizer.zeroGrad();
      this.skippedWindows += 1;
      console.warn(`GradientAccumulator: a window of ${microBatches} micro-batch(es) had 0 items (every target masked), so no optimizer step was taken`);
      return false;
    }
    const factor = items === null ? this.steps / microBatches : (this.steps * reference!) / items;
    const params = this.optimizer.paramGroups.flatMap((g) => g.params);
    if (factor !== 1) {
      for (const p of params) {
        const d = p.grad?.data;
        if (d) for (let i = 0; i < d.length; i++) d[i] = d[i]! * factor;
      }
    }
    const lr = this.lr;
    this.lastGradNorm = this.clipNorm === undefined ? totalGradNorm(params) : clipGradNorm(params, this.clipNorm);
    this.optimizer.step();
    this.optimizer.zeroGrad();
    this.scheduler?.step();
    this.optimizerSteps += 1;
    this.effectiveBatchSize = items;
    this.onStep?.({ optimizerSteps: this.optimizerSteps, microBatches, items, gradNorm: this.lastGradNorm, lr });
    return true;
  }

  private checkLoss(loss: unknown): asserts loss is Tensor {
    if (!(loss instanceof Tensor)) {
      throw new ArgumentError(`GradientAccumulator.backward: loss should be a scalar Tensor, got ${loss === null ? "null" : typeof loss}`);
    }
    if (loss.numel !== 1) {
      throw new ArgumentError(`GradientAccumulator.backward: loss should be a scalar, got shape ${formatShape(loss.shape)}; reduce it with mean() or sum()`);
    }
  }

  private checkCount(count: unknown): asserts count is number {
    const ok = typeof count === "number" && Number.isFinite(count) && count >= 0 && (this.weightedCounts || Number.isInteger(count));
    if (ok) return;
    const what = this.weightedCounts ? "a finite number ≥ 0 (the summed weights of the items)" : "a non-negative integer (the number of items the loss averages)";
    const hint = !this.weightedCounts && typeof count === "number" && count > 0 && Number.isFinite(count)
      ? "; for a class-weighted loss pass the summed target weights and create the accumulator with { weightedCounts: true }"
      : "";
    throw new ArgumentError(`GradientAccumulator.backward: count should be ${what}, got ${typeof count === "number" ? count : typeof count}${hint}`);
  }
}

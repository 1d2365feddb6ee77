import { ArgumentError, type Tensor } from "../tensor/index.js";
import { clipGradNorm, totalGradNorm } from "./clip-grad-norm.js";
import type { Optimizer } from "./optimizer.js";

/** What `onStep` receives after each optimizer step. */
export interface AccumulationStep {
  /** Optimizer steps taken so far, this one included. */
  optimizerSteps: number;
  /** Micro-batches this step averaged: `steps`, or fewer for a flushed partial window. */
  microBatches: number;
  /** Samples this step averaged, when `backward` was given batch sizes. */
  samples: number | null;
  /** Gradient 2-norm before clipping. */
  gradNorm: number;
  /** Learning rate of the first parameter group when the step was taken. */
  lr: number;
}

export interface GradientAccumulatorOptions {
  optimizer: Optimizer;
  /** Micro-batches per optimizer step (the accumulation steps N). */
  steps: number;
  /** When set, clips the accumulated gradient's 2-norm to this value before each step. */
  clipNorm?: number;
  onStep?: (step: AccumulationStep) => void;
}

/**
 * Gradient accumulation done right by default. Call `backward(loss)` once per micro-batch: the loss
 * is divided by `steps`, so after `steps` micro-batches each gradient is the mean over the window,
 * the gradient of one batch `steps` times larger (for losses that average over samples and models
 * without batch statistics such as BatchNorm). Every `steps` micro-batches it clips (optionally),
 * steps and zeroes; `flush()` at the end of an epoch applies a trailing partial window of k
 * micro-batches as their mean (gradients rescaled by steps/k).
 */
export class GradientAccumulator {
  readonly optimizer: Optimizer;
  readonly steps: number;
  readonly clipNorm: number | undefined;
  private readonly onStep: ((step: AccumulationStep) => void) | undefined;
  /** Micro-batches whose gradients are accumulated but not yet applied (0..steps-1 between calls). */
  pendingMicroBatches = 0;
  /** Position (1..steps) of the last micro-batch in its window; 0 before the first. */
  microBatch = 0;
  /** Optimizer steps taken so far. */
  optimizerSteps = 0;
  /** Gradient 2-norm (before clipping) at the last optimizer step; `null` before the first. */
  lastGradNorm: number | null = null;
  /** Batch size of the last micro-batch, when `backward` was told it. */
  microBatchSize: number | null = null;
  private pendingSamples: number | null = null;

  constructor({ optimizer, steps, clipNorm, onStep }: GradientAccumulatorOptions) {
    if (!Number.isInteger(steps) || steps < 1) throw new ArgumentError(`GradientAccumulator: steps should be a positive integer, got ${steps}`);
    if (clipNorm !== undefined && !(clipNorm > 0)) throw new ArgumentError(`GradientAccumulator: clipNorm should be a positive number, got ${clipNorm}`);
    this.optimizer = optimizer;
    this.steps = steps;
    this.clipNorm = clipNorm;
    this.onStep = onStep;
    // Gradients left from before would leak into the first window.
    optimizer.zeroGrad();
  }

  /** Samples per optimizer step: `steps` × micro-batch size (`null` until a batch size is known). */
  get effectiveBatchSize(): number | null {
    return this.microBatchSize === null ? null : this.steps * this.microBatchSize;
  }

  /** Current learning rate of the first parameter group. */
  get lr(): number {
    return this.optimizer.paramGroups[0]!.lr;
  }

  /**
   * Back-propagates `loss / steps` for one micro-batch of `batchSize` samples (optional, for
   * `effectiveBatchSize`) and steps the optimizer when the window is full. Returns whether it stepped.
   */
  backward(loss: Tensor, batchSize?: number): boolean {
    if (loss.numel() !== 1) {
      throw new ArgumentError(`GradientAccumulator.backward: loss should be a scalar, got shape (${loss.shape.join("x")}); reduce it with mean() or sum()`);
    }
    if (batchSize !== undefined) {
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new ArgumentError(`GradientAccumulator.backward: batchSize should be a positive integer, got ${batchSize}`);
      this.microBatchSize = batchSize;
      this.pendingSamples = (this.pendingSamples ?? 0) + batchSize;
    }
    loss.div(this.steps).backward();
    this.pendingMicroBatches += 1;
    this.microBatch = this.pendingMicroBatches;
    if (this.pendingMicroBatches < this.steps) return false;
    this.applyStep(this.steps);
    return true;
  }

  /** Steps a trailing partial window (k < steps micro-batches) as the mean over k. Returns whether it stepped. */
  flush(): boolean {
    const k = this.pendingMicroBatches;
    if (k === 0) return false;
    const scale = this.steps / k;
    for (const group of this.optimizer.paramGroups) {
      for (const p of group.params) {
        const d = p.grad?.data;
        if (d) for (let i = 0; i < d.length; i++) d[i] = d[i]! * scale;
      }
    }
    this.applyStep(k);
    return true;
  }

  private applyStep(microBatches: number): void {
    const params = this.optimizer.paramGroups.flatMap((g) => g.params);
    const lr = this.lr;
    this.lastGradNorm = this.clipNorm === undefined ? totalGradNorm(params) : clipGradNorm(params, this.clipNorm);
    this.optimizer.step();
    this.optimizer.zeroGrad();
    this.optimizerSteps += 1;
    const samples = this.pendingSamples;
    this.pendingMicroBatches = 0;
    this.pendingSamples = null;
    this.onStep?.({ optimizerSteps: this.optimizerSteps, microBatches, samples, gradNorm: this.lastGradNorm, lr });
  }
}

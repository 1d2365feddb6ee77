// The shapes the display layer reads. Structural, so tensor/nn/optim never import display code
// and plain objects (or another library's tensors) render the same way.
import type { Printable } from "../tensor/format.js";

/**
 * What a tensor display needs; tsgrad's `Tensor` satisfies it. The printout's `Printable`, except
 * that gradFn may also be a node object (another library's tensors), named by `gradFnName`.
 */
export interface TensorLike extends Omit<Printable, "gradFn"> {
  readonly grad?: TensorLike | null;
  readonly gradFn?: string | { readonly name?: string } | null;
  readonly name?: string;
}

/** What a module display needs; tsgrad's `nn.Module` satisfies it. */
export interface ModuleLike {
  namedParameters(): Iterable<[string, TensorLike]>;
  toString(): string;
  /** Optional: direct children, for a tree built from the modules themselves. */
  namedChildren?(): Iterable<[string, ModuleLike]>;
}

/** The state an accumulation counter shows; `GradientAccumulator` exposes these fields. */
export interface AccumulationState {
  /** Position (1..steps) of the last micro-batch in its window (k of `steps`); 0 before the first. */
  readonly microBatch: number;
  /** Micro-batches per optimizer step (N). */
  readonly steps: number;
  /** Items (samples or real tokens) counted so far in the window of the last micro-batch (null without counts). */
  readonly windowItems?: number | null;
  /** Items the last optimizer step averaged over (null while unknown). */
  readonly effectiveBatchSize?: number | null;
  /** Optimizer steps taken so far. */
  readonly optimizerSteps: number;
  /** Global L2 norm of the gradients at the last optimizer step; null before the first. */
  readonly lastGradNorm?: number | null;
  /** Current learning rate. */
  readonly lr?: number | null;
}

/** Bytes of a training step by kind; `memory.breakdown(model, optimizer)` returns one. */
export interface MemoryBreakdownLike {
  readonly parameters: number;
  readonly gradients: number;
  readonly optimizerState: number;
  readonly peakSavedActivations: number;
}

export function gradFnName(t: TensorLike): string | null {
  const fn = t.gradFn;
  if (fn === null || fn === undefined) return null;
  if (typeof fn === "string") return fn;
  return fn.name ?? fn.constructor?.name ?? "Function";
}

// What one training step holds in memory, by kind: the parts that accumulation shrinks and those it does not.
import { ArgumentError } from "./errors.js";
import type { Tensor } from "./tensor.js";

/** Bytes a training step holds, by kind (each storage once). */
export interface MemoryBreakdown {
  /** The parameters' storage. */
  parameters: number;
  /** One gradient per parameter that requires grad, as backward allocates it for each step. */
  gradients: number;
  /** Tensors in the optimizer's state (momentum buffers, Adam's moments); created at its first step. */
  optimizerState: number;
  /** The peak of the bytes saved for backward (`memory.peakSavedBytes()`): the only part that scales with the batch. */
  peakSavedActivations: number;
  /** The sum of the four. */
  total: number;
}

/** What `breakdown` reads from a model: `nn.Module` or a list of parameters. */
export type ParameterSource = { parameters(): Iterable<Tensor> } | Iterable<Tensor>;
/** What `breakdown` reads from an optimizer: its per-parameter state, as `optim.Optimizer` keeps it. */
export interface OptimizerStateSource {
  readonly state: ReadonlyMap<Tensor, Readonly<Record<string, unknown>>>;
}

const bytesOf = (t: Tensor): number => t.data.byteLength;

/** Sums the bytes of the distinct storages among `tensors` (tied weights count once). */
function distinctBytes(tensors: Iterable<Tensor>): number {
  const seen = new Set<ArrayBufferLike>();
  let bytes = 0;
  for (const t of tensors) {
    if (seen.has(t.data.buffer)) continue;
    seen.add(t.data.buffer);
    bytes += bytesOf(t);
  }
  return bytes;
}

function parametersOf(model: ParameterSource): Tensor[] {
  const source = model as Partial<{ parameters: unknown; [Symbol.iterator]: unknown }> | null;
  const list = typeof source?.parameters === "function" ? (model as { parameters(): Iterable<Tensor> }).parameters() : model;
  if (list === null || typeof (list as Partial<Iterable<Tensor>>)?.[Symbol.iterator] !== "function") {
    throw new ArgumentError(`memory.breakdown: model should be a Module or an iterable of Tensors, got ${model === null ? "null" : typeof model}`);
  }
  const params = [...(list as Iterable<Tensor>)];
  params.forEach((p, i) => {
    if (typeof (p as Partial<Tensor>)?.data?.byteLength !== "number") throw new ArgumentError(`memory.breakdown: model parameter ${i} is not a Tensor`);
  });
  return params;
}

/** The breakdown for `model` and (optionally) its optimizer, with `peakSavedActivations` as measured. */
export function memoryBreakdown(model: ParameterSource, optimizer: OptimizerStateSource | undefined, peakSavedActivations: number): MemoryBreakdown {
  const params = parametersOf(model);
  if (optimizer !== undefined && !(optimizer?.state instanceof Map)) {
    throw new ArgumentError("memory.breakdown: optimizer should be an optimizer (an object with a `state` Map)");
  }
  const parameters = distinctBytes(params);
  const gradients = distinctBytes(params.filter((p) => p.requiresGrad));
  const stateTensors: Tensor[] = [];
  for (const s of optimizer?.state.values() ?? []) {
    for (const v of Object.values(s)) if (typeof (v as Partial<Tensor>)?.data?.byteLength === "number") stateTensors.push(v as Tensor);
  }
  const optimizerState = distinctBytes(stateTensors);
  return { parameters, gradients, optimizerState, peakSavedActivations, total: parameters + gradients + optimizerState + peakSavedActivations };
}

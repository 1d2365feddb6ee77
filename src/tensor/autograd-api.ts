// `torch.autograd` for notebooks: `autograd.grad(outputs, inputs, options)`, gradients returned
// instead of accumulated into `.grad`, optionally as a graph of their own (second-order gradients).
import { gradients } from "./autograd.js";
import { ArgumentError, AutogradError } from "./errors.js";
import { checkOptions } from "./options.js";
import { Tensor } from "./tensor.js";

/** Options of `autograd.grad` (PyTorch's keyword arguments in camelCase). */
export interface GradOptions {
  /** The vector of the vector-Jacobian product, one per output (null: ones, for a scalar output). */
  gradOutputs?: Tensor | readonly (Tensor | null)[] | null;
  /** Keep the graph's saved tensors for another pass (default: `createGraph`). */
  retainGraph?: boolean;
  /** Record the pass so the returned gradients can be differentiated again. */
  createGraph?: boolean;
  /** Return null for an input the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

function tensorList(v: Tensor | readonly Tensor[], what: string): Tensor[] {
  const list = v instanceof Tensor ? [v] : Array.isArray(v) ? [...(v as readonly Tensor[])] : null;
  if (list === null) throw new ArgumentError(`autograd.grad: ${what} must be a Tensor or an array of Tensors, got ${typeof v}`);
  if (list.length === 0) throw new ArgumentError(`autograd.grad: ${what} is empty`);
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ArgumentError(`autograd.grad: ${what}[${i}] must be a Tensor, got ${typeof t}`);
  });
  return list;
}

/**
 * d(Σᵢ outputsᵢ·gradOutputsᵢ)/d(input) for each input, as `torch.autograd.grad`: the gradients are
 * returned (in the inputs' order) and no `.grad` changes. With `createGraph` they can be
 * differentiated again (Hessian-vector products, gradient penalties).
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor, opts: GradOptions & { allowUnused: true }): [Tensor | null];
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor, opts?: GradOptions): [Tensor];
export function grad<I extends readonly Tensor[]>(outputs: Tensor | readonly Tensor[], inputs: [...I], opts: GradOptions & { allowUnused: true }): { [K in keyof I]: Tensor | null };
export function grad<I extends readonly Tensor[]>(outputs: Tensor | readonly Tensor[], inputs: [...I], opts?: GradOptions): { [K in keyof I]: Tensor };
export function grad(outputs: Tensor | readonly Tensor[], inputs: readonly Tensor[], opts: GradOptions & { allowUnused: true }): (Tensor | null)[];
export function grad(outputs: Tensor | readonly Tensor[], inputs: readonly Tensor[], opts?: GradOptions): Tensor[];
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts: GradOptions = {}): (Tensor | null)[] {
  checkOptions(opts, ["gradOutputs", "retainGraph", "createGraph", "allowUnused"], "autograd.grad");
  const outs = tensorList(outputs, "outputs");
  const ins = tensorList(inputs, "inputs");
  const given = opts.gradOutputs ?? null;
  const gradOutputs = given === null ? outs.map(() => null) : given instanceof Tensor ? [given] : [...given];
  if (gradOutputs.length !== outs.length) {
    throw new ArgumentError(`autograd.grad: gradOutputs has ${gradOutputs.length} entries but there are ${outs.length} outputs`);
  }
  gradOutputs.forEach((g, i) => {
    if (g !== null && !(g instanceof Tensor)) throw new ArgumentError(`autograd.grad: gradOutputs[${i}] must be a Tensor or null, got ${typeof g}`);
  });
  ins.forEach((t, i) => {
    if (!t.requiresGrad) {
      throw new AutogradError(`autograd.grad: inputs[${i}] does not require grad (one of the differentiated tensors does not require grad)`);
    }
  });
  const createGraph = opts.createGraph === true;
  const result = gradients(outs, gradOutputs, ins, { createGraph, retainGraph: opts.retainGraph ?? createGraph });
  if (opts.allowUnused !== true) {
    result.forEach((g, i) => {
      if (g === null) {
        throw new AutogradError(
          `autograd.grad: inputs[${i}] appears not to have been used in the graph of the outputs; ` +
            "pass { allowUnused: true } if that is expected (its gradient is then null)",
        );
      }
    });
  }
  return result;
}

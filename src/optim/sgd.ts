import { ArgumentError, zerosLike, type Tensor } from "../tensor/index.js";
import type { Storage } from "../tensor/dtype.js";
import { fusedSgd, fusedSgdApplies, type SgdHyperparameters } from "../tensor/fused-sgd.js";
import { Optimizer, checkNonNegative, gradData, withDefaults, type ParamGroup, type Params } from "./optimizer.js";

/** SGD's hyper-parameters, per parameter group: lr, momentum, dampening, weightDecay, nesterov, maximize. */
export type SGDOptions = SgdHyperparameters;

/**
 * Stochastic gradient descent, PyTorch's `torch.optim.SGD`. For each parameter θ with gradient g:
 *
 *     g ← −g                        if maximize
 *     g ← g + weightDecay·θ         if weightDecay ≠ 0
 *     b ← g                         first step with momentum ≠ 0
 *     b ← momentum·b + (1 − dampening)·g   later steps
 *     g ← g + momentum·b  if nesterov,  else  g ← b      (when momentum ≠ 0)
 *     θ ← θ − lr·g
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super(params, withDefaults("SGD", { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false }, options));
  }

  protected validate(g: ParamGroup<SGDOptions>): void {
    checkNonNegative("SGD", "learning rate", g.lr);
    checkNonNegative("SGD", "momentum value", g.momentum);
    checkNonNegative("SGD", "weight_decay value", g.weightDecay);
    if (typeof g.dampening !== "number" || !Number.isFinite(g.dampening)) {
      throw new ArgumentError(`SGD: Invalid dampening value: ${String(g.dampening)}`);
    }
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new ArgumentError(
        `SGD: Nesterov momentum requires a momentum and zero dampening (got momentum=${g.momentum}, dampening=${g.dampening})`,
      );
    }
  }

  protected updateGroup(group: ParamGroup<SGDOptions>): void {
    const { momentum, weightDecay, maximize } = group;
    // Plain SGD keeps no state; otherwise an existing buffer is updated even after momentum became 0.
    const plain = momentum === 0 && weightDecay === 0 && !maximize;
    for (const p of group.params) {
      if (p.grad === null) continue;
      const grad = gradData("SGD", p);
      let buf: Tensor | undefined;
      let first = false;
      if (!plain) {
        const state = this.stateOf(p);
        buf = state.momentumBuffer as Tensor | undefined;
        first = buf === undefined;
        if (momentum !== 0 && first) {
          buf = zerosLike(p);
          state.momentumBuffer = buf;
        }
      }
      sgd(p.data, grad, buf?.data ?? null, first, group);
    }
  }
}

/**
 * PyTorch's functional `sgd()`: one step on one parameter's storage (and its momentum buffer), in
 * place. The one place that picks the implementation: the fused SIMD kernel for float32 when it
 * applies, else the reference loop; both give the same bits (test/optim/sgd-fast-paths.test.ts).
 */
export function sgd(theta: Storage, grad: Storage, buf: Storage | null, first: boolean, h: SGDOptions): void {
  if (fusedSgdApplies(theta, grad, buf)) fusedSgd(theta, grad, buf, first, h);
  else singleTensorSgd(theta, grad, buf, first, h);
}

/**
 * The reference (PyTorch's `_single_tensor_sgd`): the formula of `SGD`, one element at a time in
 * float64, each result stored in the parameter's (and buffer's) dtype.
 */
export function singleTensorSgd(theta: Storage, grad: Storage, buf: Storage | null, first: boolean, h: SGDOptions): void {
  const { lr, momentum, dampening, weightDecay, nesterov, maximize } = h;
  for (let i = 0; i < theta.length; i++) {
    let d = maximize ? -grad[i]! : grad[i]!;
    if (weightDecay !== 0) d += weightDecay * theta[i]!;
    if (buf !== null) {
      buf[i] = first ? d : momentum * buf[i]! + (1 - dampening) * d;
      d = nesterov ? d + momentum * buf[i]! : buf[i]!;
    }
    theta[i] = theta[i]! - lr * d;
  }
}

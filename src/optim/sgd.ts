import { ArgumentError, zerosLike, type Tensor } from "../tensor/index.js";
import { wasmWorthIt } from "../tensor/kernels/backend.js";
import { wasmSgd, wasmSgdGeneral } from "../tensor/kernels/wasm.js";
import { Optimizer, checkNonNegative, gradData, type ParamGroup, type Params } from "./optimizer.js";

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

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
    super(params, { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options });
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
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const p of group.params) {
      if (p.grad === null) continue;
      const grad = gradData("SGD", p);
      const theta = p.data;
      if (momentum === 0 && weightDecay === 0 && !maximize) {
        // Plain SGD, the common case: one fused loop, the same arithmetic as the general one below.
        descend(theta, grad, lr);
        continue;
      }
      const state = this.stateOf(p);
      let buf = state.momentumBuffer as Tensor | undefined;
      const first = buf === undefined;
      if (momentum !== 0 && first) {
        buf = zerosLike(p);
        state.momentumBuffer = buf;
      }
      const b = buf?.data;
      if (theta instanceof Float32Array && grad instanceof Float32Array && (b === undefined || b instanceof Float32Array) && wasmWorthIt(theta.length)) {
        // The same arithmetic in the WebAssembly kernel (float64 pairs), the same bits.
        wasmSgdGeneral(theta, grad, b ?? null, first, group);
        continue;
      }
      for (let i = 0; i < theta.length; i++) {
        let d = maximize ? -grad[i]! : grad[i]!;
        if (weightDecay !== 0) d += weightDecay * theta[i]!;
        if (b) {
          b[i] = first ? d : momentum * b[i]! + (1 - dampening) * d;
          d = nesterov ? d + momentum * b[i]! : b[i]!;
        }
        theta[i] = theta[i]! - lr * d;
      }
    }
  }
}

/** θ ← θ − lr·g, elementwise (monomorphic per storage type for V8). */
function descend(theta: Float32Array | Float64Array, grad: Float32Array | Float64Array, lr: number): void {
  if (theta instanceof Float32Array && grad instanceof Float32Array) descend32(theta, grad, lr);
  else for (let i = 0; i < theta.length; i++) theta[i] = theta[i]! - lr * grad[i]!;
}

function descend32(theta: Float32Array, grad: Float32Array, lr: number): void {
  const n = theta.length;
  if (wasmWorthIt(n)) {
    wasmSgd(theta, grad, lr);
    return;
  }
  let i = 0;
  // Four at a time: fewer bounds checks and loop branches (V8 does not unroll typed-array loops).
  for (; i + 3 < n; i += 4) {
    const t0 = theta[i]! - lr * grad[i]!;
    const t1 = theta[i + 1]! - lr * grad[i + 1]!;
    const t2 = theta[i + 2]! - lr * grad[i + 2]!;
    const t3 = theta[i + 3]! - lr * grad[i + 3]!;
    theta[i] = t0;
    theta[i + 1] = t1;
    theta[i + 2] = t2;
    theta[i + 3] = t3;
  }
  for (; i < n; i++) theta[i] = theta[i]! - lr * grad[i]!;
}

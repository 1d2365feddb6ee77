// SGD's update as a fused kernel (PyTorch's _fused_sgd_): float32 parameters in the SIMD module, the
// same bits as the reference loop `singleTensorSgd` in src/optim/sgd.ts, which picks between the two.
import type { Storage } from "./dtype.js";
import { wasmWorthIt } from "./kernels/backend.js";
import { wasmSgd, wasmSgdGeneral } from "./kernels/wasm.js";

/** SGD's hyper-parameters; `optim.SGDOptions` is this type, and src/optim/sgd.ts documents the formula. */
export interface SgdHyperparameters {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/** True when `fusedSgd` can update these storages: float32 throughout, and large enough to pay for the copies. */
export function fusedSgdApplies(theta: Storage, grad: Storage, buf: Storage | null): boolean {
  return theta instanceof Float32Array && grad instanceof Float32Array && (buf === null || buf instanceof Float32Array) && wasmWorthIt(theta.length);
}

/**
 * One SGD step on float32 storage, in place on theta and buf (the momentum buffer, null when there
 * is none; `first` when it starts from this step's gradient). Plain SGD (no buffer, weight decay or
 * maximize) has its own kernel, four values at a time.
 */
export function fusedSgd(theta: Storage, grad: Storage, buf: Storage | null, first: boolean, h: SgdHyperparameters): void {
  const t = theta as Float32Array;
  const g = grad as Float32Array;
  if (buf === null && h.weightDecay === 0 && !h.maximize) {
    wasmSgd(t, g, h.lr);
    return;
  }
  wasmSgdGeneral(t, g, buf as Float32Array | null, first, h.lr, h.momentum, h.dampening, h.weightDecay, h.nesterov, h.maximize);
}

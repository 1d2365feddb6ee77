import { zerosLike, type Tensor } from "../tensor/index.js";
import { Optimizer, checkNonNegative, gradData, withDefaults, type ParamGroup, type Params } from "./optimizer.js";

/** RMSprop's hyper-parameters, per parameter group (PyTorch's names in camelCase). */
export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

/**
 * RMSprop, PyTorch's `torch.optim.RMSprop`. For each parameter θ with gradient g:
 *
 *     g ← −g (maximize);  g ← g + weightDecay·θ
 *     v ← α·v + (1 − α)·g²
 *     centered:  ḡ ← α·ḡ + (1 − α)·g ;  avg = √(v − ḡ²) + eps      else  avg = √v + eps
 *     momentum > 0:  b ← momentum·b + g/avg ;  θ ← θ − lr·b          else  θ ← θ − lr·g/avg
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(params, withDefaults("RMSprop", { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false }, options));
  }

  protected validate(g: ParamGroup<RMSpropOptions>): void {
    checkNonNegative("RMSprop", "learning rate", g.lr);
    checkNonNegative("RMSprop", "epsilon value", g.eps);
    checkNonNegative("RMSprop", "momentum value", g.momentum);
    checkNonNegative("RMSprop", "weight_decay value", g.weightDecay);
    checkNonNegative("RMSprop", "alpha value", g.alpha);
  }

  protected updateGroup(group: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    for (const p of group.params) {
      if (p.grad === null) continue;
      const grad = gradData("RMSprop", p);
      const theta = p.data;
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.squareAvg = zerosLike(p);
        if (momentum > 0) state.momentumBuffer = zerosLike(p);
        if (centered) state.gradAvg = zerosLike(p);
      }
      state.step = (state.step as number) + 1;
      const v = (state.squareAvg as Tensor).data;
      // A buffer missing because momentum or centered was switched on later: PyTorch fails; start it at 0.
      if (momentum > 0) state.momentumBuffer ??= zerosLike(p);
      if (centered) state.gradAvg ??= zerosLike(p);
      const buf = momentum > 0 ? (state.momentumBuffer as Tensor).data : null;
      const gAvg = centered ? (state.gradAvg as Tensor).data : null;
      for (let i = 0; i < theta.length; i++) {
        let g = maximize ? -grad[i]! : grad[i]!;
        if (weightDecay !== 0) g += weightDecay * theta[i]!;
        v[i] = alpha * v[i]! + (1 - alpha) * g * g;
        let avg: number;
        if (gAvg) {
          gAvg[i] = alpha * gAvg[i]! + (1 - alpha) * g;
          avg = Math.sqrt(v[i]! - gAvg[i]! * gAvg[i]!) + eps;
        } else {
          avg = Math.sqrt(v[i]!) + eps;
        }
        if (buf) {
          buf[i] = momentum * buf[i]! + g / avg;
          theta[i] = theta[i]! - lr * buf[i]!;
        } else {
          theta[i] = theta[i]! - (lr * g) / avg;
        }
      }
    }
  }
}

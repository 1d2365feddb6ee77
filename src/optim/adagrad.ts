import { full, type Tensor } from "../tensor/index.js";
import { Optimizer, checkNonNegative, gradData, withDefaults, type ParamGroup, type Params } from "./optimizer.js";

/** Adagrad's hyper-parameters, per parameter group (PyTorch's names in camelCase). */
export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

/**
 * Adagrad, PyTorch's `torch.optim.Adagrad`. For each parameter θ with gradient g, at step t:
 *
 *     g ← −g (maximize);  g ← g + weightDecay·θ
 *     clr = lr / (1 + (t − 1)·lrDecay)
 *     s ← s + g²            (s starts at initialAccumulatorValue)
 *     θ ← θ − clr · g / (√s + eps)
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(params, withDefaults("Adagrad", { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false }, options));
  }

  protected validate(g: ParamGroup<AdagradOptions>): void {
    checkNonNegative("Adagrad", "learning rate", g.lr);
    checkNonNegative("Adagrad", "lr_decay value", g.lrDecay);
    checkNonNegative("Adagrad", "weight_decay value", g.weightDecay);
    checkNonNegative("Adagrad", "initial_accumulator_value value", g.initialAccumulatorValue);
    checkNonNegative("Adagrad", "epsilon value", g.eps);
  }

  protected updateGroup(group: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    for (const p of group.params) {
      if (p.grad === null) continue;
      const grad = gradData("Adagrad", p);
      const theta = p.data;
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.sum = full(p.shape, group.initialAccumulatorValue, { dtype: p.dtype });
      }
      const t = (state.step as number) + 1;
      state.step = t;
      const clr = lr / (1 + (t - 1) * lrDecay);
      const s = (state.sum as Tensor).data;
      for (let i = 0; i < theta.length; i++) {
        let g = maximize ? -grad[i]! : grad[i]!;
        if (weightDecay !== 0) g += weightDecay * theta[i]!;
        s[i] = s[i]! + g * g;
        theta[i] = theta[i]! - (clr * g) / (Math.sqrt(s[i]!) + eps);
      }
    }
  }
}

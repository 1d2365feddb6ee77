import { ArgumentError, zerosLike, type Tensor } from "../tensor/index.js";
import { Optimizer, checkNonNegative, gradData, withDefaults, type ParamGroup, type Params } from "./optimizer.js";

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

function validateAdam(owner: string, g: ParamGroup<AdamOptions>): void {
  checkNonNegative(owner, "learning rate", g.lr);
  checkNonNegative(owner, "epsilon value", g.eps);
  checkNonNegative(owner, "weight_decay value", g.weightDecay);
  if (!Array.isArray(g.betas) || g.betas.length !== 2) {
    throw new ArgumentError(`${owner}: betas should be a pair [beta1, beta2], got ${JSON.stringify(g.betas)}`);
  }
  g.betas.forEach((beta, i) => {
    if (!(beta >= 0 && beta < 1)) throw new ArgumentError(`${owner}: Invalid beta parameter at index ${i}: ${beta}`);
  });
}

/**
 * Adam, PyTorch's `torch.optim.Adam` (weight decay as an L2 term added to the gradient):
 *
 *     g ← g + weightDecay·θ
 *     m ← β1·m + (1 − β1)·g ;  v ← β2·v + (1 − β2)·g²
 *     θ ← θ − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + eps)
 *
 * (eps is added after the bias-corrected square root; with amsgrad, v is replaced by its running max.)
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, withDefaults(new.target.name, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false }, options));
  }

  /** AdamW's decay is decoupled from the gradient; Adam's is an L2 term added to it. */
  protected get decoupledWeightDecay(): boolean {
    return false;
  }

  protected validate(g: ParamGroup<AdamOptions>): void {
    validateAdam(this.constructor.name, g);
  }

  /**
   * One update of every parameter in `group`. With step count t, moments m, v (v̂max with amsgrad):
   *
   *     g ← −g (maximize);  θ ← θ·(1 − lr·wd) (AdamW)  or  g ← g + wd·θ (Adam)
   *     m ← β1·m + (1 − β1)·g ;  v ← β2·v + (1 − β2)·g² ;  v̂max ← max(v̂max, v) (amsgrad, replaces v)
   *     θ ← θ − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + eps)
   */
  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    const owner = this.constructor.name;
    const decoupled = this.decoupledWeightDecay;
    const { lr, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = group.betas;
    for (const p of group.params) {
      if (p.grad === null) continue;
      const grad = gradData(owner, p);
      const theta = p.data;
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.expAvg = zerosLike(p);
        state.expAvgSq = zerosLike(p);
      }
      if (amsgrad && state.maxExpAvgSq === undefined) state.maxExpAvgSq = zerosLike(p);
      const t = (state.step as number) + 1;
      state.step = t;
      const m = (state.expAvg as Tensor).data;
      const v = (state.expAvgSq as Tensor).data;
      const vMax = amsgrad ? (state.maxExpAvgSq as Tensor).data : undefined;
      const stepSize = lr / (1 - beta1 ** t);
      const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** t);
      for (let i = 0; i < theta.length; i++) {
        let g = maximize ? -grad[i]! : grad[i]!;
        if (decoupled) theta[i] = theta[i]! * (1 - lr * weightDecay);
        else if (weightDecay !== 0) g += weightDecay * theta[i]!;
        m[i] = beta1 * m[i]! + (1 - beta1) * g;
        v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
        let second = v[i]!;
        if (vMax) second = vMax[i] = Math.max(vMax[i]!, second);
        const denom = Math.sqrt(second) / biasCorrection2Sqrt + eps;
        theta[i] = theta[i]! - (stepSize * m[i]!) / denom;
      }
    }
  }
}

/**
 * AdamW, PyTorch's `torch.optim.AdamW`: Adam with decoupled weight decay (default 0.01):
 *
 *     θ ← θ·(1 − lr·weightDecay)
 *     m ← β1·m + (1 − β1)·g ;  v ← β2·v + (1 − β2)·g²
 *     θ ← θ − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + eps)
 */
export class AdamW extends Adam {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { weightDecay: 1e-2, ...options });
  }

  protected override get decoupledWeightDecay(): boolean {
    return true;
  }
}

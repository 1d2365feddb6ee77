// Optimizers shaped like torch.optim, gradient clipping, learning-rate schedulers and accumulation.
export {
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupBase,
  type ParamGroupInput,
  type ParamState,
  type Params,
} from "./optimizer.js";
export { SGD, type SGDOptions } from "./sgd.js";
export { Adam, AdamW, type AdamOptions } from "./adam.js";
export { RMSprop, type RMSpropOptions } from "./rmsprop.js";
export { Adagrad, type AdagradOptions } from "./adagrad.js";
export { clipGradNorm, totalGradNorm } from "./clip-grad-norm.js";
export { LRScheduler, StepLR, LinearLR, ExponentialLR, CosineAnnealingLR, LambdaLR, MultiStepLR, ConstantLR, PolynomialLR, CosineAnnealingWarmRestarts } from "./lr-scheduler.js";
export { SequentialLR, ChainedScheduler, type CombinedSchedulerState } from "./combined-schedulers.js";
export { OneCycleLR, type OneCycleLROptions } from "./one-cycle-lr.js";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions, type ReduceLROnPlateauState } from "./reduce-lr-on-plateau.js";
export { GradientAccumulator, type AccumulationStep, type GradientAccumulatorOptions } from "./gradient-accumulator.js";

// The tensor layer's public API (the kernel brings every name here into a notebook's scope, so ops
// that exist as Tensor methods are not also exported as free functions: `mean`, `max`, `index`, ...
// stay free for the user's own variables).
export { Tensor, type NestedArray, type RemovableHandle, type BackwardOptions } from "./tensor.js";
export type { DType, FloatDType } from "./dtype.js";
export type { ValuesIndices } from "./reduce.js";
export type { VarianceOptions } from "./variance.js";
export { TsgradError, ShapeError, DTypeError, AutogradError, ArgumentError } from "./errors.js";
export {
  tensor, zeros, ones, full, arange, rand, randn, randint, zerosLike, onesLike, eye, linspace,
  type TensorOptions, type TensorDataOptions, type RandomOptions, type NestedBoolArray,
} from "./create.js";
export { manualSeed, RandomGenerator } from "./generator.js";
export { randperm, multinomial, type MultinomialOptions } from "./sampling.js";
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from "./grad-mode.js";
// `torch.autograd.grad` as `autograd.grad` (a namespace, so `grad` stays free for notebook variables).
export * as autograd from "./autograd-api.js";
export { memory } from "./memory.js";
export type { MemoryBreakdown } from "./memory-breakdown.js";
export { cat, stack } from "./join.js";
export { conv2d, type Conv2dOptions } from "./conv2d.js";
export { maxPool2d } from "./max-pool2d.js";
export { avgPool2d, adaptiveAvgPool2d, type AvgPool2dOptions } from "./avg-pool2d.js";
export { dropout, dropout2d } from "./dropout-op.js";
export { setBackend, getBackend, type Backend } from "./kernels/backend.js";
export { linear } from "./linear-op.js";
export { Device, device, cuda, accelerator, type DeviceLike } from "./device.js";
export type { ToTarget } from "./to.js";
export type { Subscript } from "./subscript.js";
export { save, load, safetensors, type SaveOptions, type SafetensorsContents } from "./safetensors.js";
export { where } from "./where.js";
export { tril, triu } from "./triangle.js";
export { allclose, type AllcloseOptions } from "./allclose.js";
export type { NormOrder } from "./norm.js";
export type { GeluApproximate } from "./gelu.js";

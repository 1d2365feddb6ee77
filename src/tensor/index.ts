// The tensor layer's public API.
export { Tensor, type NestedArray, type RemovableHandle } from "./tensor.js";
export type { DType } from "./dtype.js";
export { TsgradError, ShapeError, DTypeError, AutogradError, ArgumentError } from "./errors.js";
export {
  tensor, zeros, ones, full, arange, rand, randn, randint, zerosLike, onesLike,
  type TensorOptions, type TensorDataOptions,
} from "./create.js";
export { manualSeed } from "./random.js";
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from "./grad-mode.js";
export { memory } from "./memory.js";
export { add, sub, mul, div, pow, maximum, minimum, eq, gt, lt } from "./elementwise.js";
export { neg, exp, log, sqrt, abs, relu, sigmoid, tanh } from "./unary.js";
export { sum, mean, max, min, argmax, type ValuesIndices } from "./reduce.js";
export { variance, std } from "./variance.js";
export { matmul } from "./matmul.js";
export { reshape, permute, transpose, flatten, unsqueeze, squeeze, expand } from "./views.js";
export { index, slice, indexSelect, gather } from "./indexing.js";
export { softmax, logSoftmax } from "./softmax.js";
export { cat, stack } from "./join.js";
export { clone } from "./clone.js";
export { sumToShape, broadcastTo } from "./sum-to-shape.js";
export { conv2d, type Conv2dOptions } from "./conv2d.js";
export { maxPool2d } from "./max-pool2d.js";
export { dropout } from "./dropout.js";

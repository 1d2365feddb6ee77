// Modules and losses shaped like torch.nn.
export { Module, Parameter, isParameter, type LoadStateDictResult } from "./module.js";
export { Linear } from "./linear.js";
export { ReLU, Tanh, Sigmoid, Softmax, LogSoftmax, GELU } from "./activation.js";
export { Embedding, type EmbeddingOptions } from "./embedding.js";
export { LayerNorm, type LayerNormOptions } from "./layer-norm.js";
export { Dropout, Dropout2d } from "./dropout.js";
export { Flatten } from "./flatten.js";
export { Conv2d, MaxPool2d } from "./conv.js";
export { AvgPool2d, AdaptiveAvgPool2d } from "./pooling.js";
export { ModuleList, Sequential } from "./sequential.js";
export { ModuleDict, type ModuleDictInput } from "./module-dict.js";
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from "./batchnorm.js";
export { Loss, MSELoss, NLLLoss, CrossEntropyLoss, type Reduction, type ClassLossOptions } from "./loss.js";
export * as functional from "./functional.js";
export { uniformParameter, defaultInitBound } from "./init.js";
// `nn.init.kaimingUniform_(w)`, as `torch.nn.init`.
export * as init from "./init.js";

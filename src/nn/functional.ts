// The functional forms of the layers and losses, as `torch.nn.functional` (imported as `F` in
// PyTorch code): `F.relu(x)`, `F.crossEntropy(logits, y)`, … Each is the module's computation without
// parameters of its own; the losses run the loss modules, so both forms give the same numbers.
import { conv2d as conv2dOp, type Conv2dOptions, type Tensor } from "../tensor/index.js";
import { checkOptions } from "../tensor/options.js";
import { CrossEntropyLoss, MSELoss, NLLLoss, type ClassLossOptions, type Reduction } from "./loss.js";

/** max(0, x). */
export function relu(input: Tensor): Tensor {
  return input.relu();
}

/** 1 / (1 + e^(−x)). */
export function sigmoid(input: Tensor): Tensor {
  return input.sigmoid();
}

/** tanh(x). */
export function tanh(input: Tensor): Tensor {
  return input.tanh();
}

/** softmax along `dim` (required, as PyTorch warns without it). */
export function softmax(input: Tensor, dim: number): Tensor {
  return input.softmax(dim);
}

/** log(softmax(x)) along `dim`, computed stably. */
export function logSoftmax(input: Tensor, dim: number): Tensor {
  return input.logSoftmax(dim);
}

/** 2-D convolution of (N, C, H, W) input with (O, C, kH, kW) weights. */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  checkOptions(opts, ["stride", "padding"], "F.conv2d");
  return conv2dOp(input, weight, bias, opts);
}

// The tensor layer's functional ops are already PyTorch's F signatures (dropout's `training` defaults to true).
export { linear, maxPool2d, dropout } from "../tensor/index.js";

/** Mean squared error, reduced by `reduction` ("mean" by default). */
export function mseLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  checkOptions(opts, ["reduction"], "F.mseLoss");
  return new MSELoss(opts).forward(input, target);
}

/** Negative log-likelihood of class indices given log-probabilities (N, C) or (N, C, d…). */
export function nllLoss(input: Tensor, target: Tensor, opts: ClassLossOptions = {}): Tensor {
  checkOptions(opts, ["reduction", "weight", "ignoreIndex"], "F.nllLoss");
  return new NLLLoss(opts).forward(input, target);
}

/** Cross-entropy of logits (N, C) or (N, C, d…) and class indices or class probabilities. */
export function crossEntropy(input: Tensor, target: Tensor, opts: ClassLossOptions & { labelSmoothing?: number } = {}): Tensor {
  checkOptions(opts, ["reduction", "weight", "ignoreIndex", "labelSmoothing"], "F.crossEntropy");
  return new CrossEntropyLoss(opts).forward(input, target);
}

// The functional forms of the layers and losses, as `torch.nn.functional` (imported as `F` in
// PyTorch code): `F.relu(x)`, `F.crossEntropy(logits, y)`, … Each is the module's computation without
// parameters of its own; the losses run the loss modules, so both forms give the same numbers.
import { conv2d as conv2dOp, type Conv2dOptions, type Tensor } from "../tensor/index.js";
import { checkOptions } from "../tensor/options.js";
import { gelu as geluOp, type GeluApproximate } from "../tensor/gelu.js";
import { embedding as embeddingOp } from "../tensor/embedding-op.js";
import { formatShape } from "../tensor/shape.js";
import { ShapeError } from "../tensor/errors.js";
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

/** x·Φ(x), Φ the standard normal CDF; `{ approximate: "tanh" }` for ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
export function gelu(input: Tensor, opts: { approximate?: GeluApproximate } = {}): Tensor {
  checkOptions(opts, ["approximate"], "F.gelu");
  return geluOp(input, opts.approximate);
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

/** Class indices as rows of 0/1, shape [...tensor.shape, numClasses] (−1: one more than the largest index). */
export { oneHot } from "../tensor/one-hot.js";

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

/** Rows of `weight` picked by the integer indices in `input`: shape [...input.shape, embeddingDim]. */
export function embedding(input: Tensor, weight: Tensor, opts: { paddingIdx?: number | null } = {}): Tensor {
  checkOptions(opts, ["paddingIdx"], "F.embedding");
  let pad = opts.paddingIdx ?? null;
  if (pad !== null && pad < 0) pad += weight.shape[0] ?? 0;
  return embeddingOp(input, weight, pad);
}

/**
 * (x − mean) / √(var + eps) · weight + bias, mean and biased var over the last dims given by
 * `normalizedShape` (which must match them).
 */
export function layerNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const shape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
  const k = shape.length;
  const tail = input.shape.slice(input.ndim - k);
  if (k === 0 || k > input.ndim || tail.some((s, i) => s !== shape[i])) {
    throw new ShapeError(
      `F.layerNorm: normalizedShape ${formatShape(shape)} must match the last dims of the input, got input of shape ${formatShape(input.shape)}`,
    );
  }
  const dims = shape.map((_, i) => input.ndim - k + i);
  const centered = input.sub(input.mean(dims, true));
  const y = centered.div(centered.mul(centered).mean(dims, true).add(eps).sqrt());
  const scaled = weight === null ? y : y.mul(weight);
  return bias === null ? scaled : scaled.add(bias);
}

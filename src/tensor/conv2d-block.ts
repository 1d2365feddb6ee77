// Conv2d → ReLU (→ MaxPool2d), the block a small CNN repeats, as one call into the SIMD module: the
// convolution's output and the relu's stay in the module's memory, and backward reads the pooling's
// indices and output (where relu let the gradient through) instead of a saved activation.
import { convFast, convGeometry, type Conv2dOptions } from "./conv2d.js";
import { useWasm } from "./kernels/backend.js";
import { poolGeometry } from "./max-pool2d.js";
import type { Tensor } from "./tensor.js";

/** maxPool2d's arguments. */
export interface MaxPool2dOptions {
  kernelSize: number | readonly [number, number];
  stride?: number | readonly [number, number] | null;
  padding?: number | readonly [number, number];
}

/**
 * @internal relu(conv2d(input, weight, bias)), then maxPool2d when `pool` is given, as one graph node
 * (named as PyTorch names the block's last op): nn.Sequential's path for those modules when input,
 * weight and bias are float32 and the backend is "wasm"; null otherwise (run the modules one by one).
 * Values and indices are the same bits as those ops one after the other: the same convolution
 * kernel, relu as max(·, 0), PyTorch's max rule on the relu's output. With pooling, backward sums
 * only over each window's max (where relu's mask, read at the pooled value, lets it through), the
 * same terms as the ops one after the other in another order: within 1e-6 of them, not the same bits.
 */
export function conv2dReluBlock(input: Tensor, weight: Tensor, bias: Tensor | null, convOpts: Conv2dOptions, pool: MaxPool2dOptions | null): Tensor | null {
  if (!useWasm() || !(input.data instanceof Float32Array) || !(weight.data instanceof Float32Array)) return null;
  if (bias !== null && !(bias.data instanceof Float32Array)) return null;
  const geo = convGeometry(input, weight, bias, convOpts);
  if (pool === null) return convFast(input, weight, bias, geo, { kind: "relu" });
  const pooled = poolGeometry([geo.N, geo.O, geo.Ho, geo.Wo], pool.kernelSize, pool.stride, pool.padding ?? 0);
  return convFast(input, weight, bias, geo, { kind: "reluMaxPool", pool: pooled });
}

// Dropout with a seeded mask: zeroes elements (or whole channels) with probability p and scales the
// rest by 1/(1-p).
import { DIFFERENTIABLE, needsGraph, recordOp } from "./autograd.js";
import { allocStorage, type Storage } from "./dtype.js";
import { ArgumentError, ShapeError } from "./errors.js";
import { formatShape } from "./shape.js";
import { nextUniform } from "./generator.js";
import { Tensor } from "./tensor.js";

/** out = input ⊙ mask / (1 - p), mask ~ Bernoulli(1 - p); the identity when `training` is false. */
export function dropout(input: Tensor, p = 0.5, training = true): Tensor {
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
    throw new ArgumentError(`dropout: probability p has to be between 0 and 1, but got ${p}`);
  }
  if (!training || p === 0) return input;
  const scale = p === 1 ? 0 : 1 / (1 - p);
  const mask = allocStorage(input.dtype, input.numel());
  for (let i = 0; i < mask.length; i++) mask[i] = nextUniform() < p ? 0 : scale;
  return applyMask(input, mask);
}

/** input ⊙ mask, with the gradient g ⊙ mask (PyTorch records dropout as a MulBackward0). */
function applyMask(input: Tensor, mask: Storage): Tensor {
  const out = allocStorage(input.dtype, input.numel());
  const x = input.data;
  for (let i = 0; i < out.length; i++) out[i] = x[i]! * mask[i]!;
  const result = new Tensor(out, input.shape);
  if (!needsGraph(input)) return result;
  const m = new Tensor(mask, input.shape);
  return recordOp(result, "MulBackward0", [input], [m], (g) => [g.mul(m)], DIFFERENTIABLE);
}

/**
 * Channel dropout of an [N, C, H, W] input: each of the N·C planes is zeroed with probability p, the
 * others scaled by 1/(1 − p) (PyTorch's dropout2d, for feature maps whose neighbouring values are
 * correlated); the identity when `training` is false.
 */
export function dropout2d(input: Tensor, p = 0.5, training = true): Tensor {
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
    throw new ArgumentError(`dropout2d: probability p has to be between 0 and 1, but got ${p}`);
  }
  if (input.ndim !== 4) {
    throw new ShapeError(`dropout2d: input must be 4-D (N, C, H, W), got shape ${formatShape(input.shape)}; for one image use input.unsqueeze(0)`);
  }
  if (!training || p === 0) return input;
  const scale = p === 1 ? 0 : 1 / (1 - p);
  const [N, C, H, W] = input.shape as [number, number, number, number];
  const plane = H * W;
  const mask = allocStorage(input.dtype, N * C * plane);
  for (let k = 0; k < N * C; k++) mask.fill(nextUniform() < p ? 0 : scale, k * plane, (k + 1) * plane);
  return applyMask(input, mask);
}

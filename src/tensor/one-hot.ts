// oneHot: class indices as rows of 0/1 (PyTorch's F.one_hot), e.g. the input of a bigram network.
import { allocStorage } from "./dtype.js";
import { ArgumentError } from "./errors.js";
import { Tensor } from "./tensor.js";

/**
 * A tensor of shape [...indices.shape, numClasses] with 1 at each index and 0 elsewhere (no grad);
 * `numClasses` −1 (the default) means one more than the largest index. int64, as PyTorch (`.float()` for a matmul).
 */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  if (!(indices instanceof Tensor)) throw new ArgumentError(`oneHot: tensor must be a Tensor of class indices, got ${typeof indices}`);
  if (!Number.isInteger(numClasses) || numClasses < -1) throw new ArgumentError(`oneHot: numClasses must be -1 or a non-negative integer, got ${numClasses}`);
  const src = indices.data;
  let largest = -1;
  for (let i = 0; i < src.length; i++) {
    const v = Number(src[i]);
    if (!Number.isInteger(v) || v < 0) throw new ArgumentError(`oneHot: tensor holds ${v}; class indices must be non-negative integers`);
    largest = Math.max(largest, v);
  }
  const n = numClasses === -1 ? largest + 1 : numClasses;
  if (largest >= n) throw new ArgumentError(`oneHot: class index ${largest} is too large for numClasses ${n}`);
  const out = allocStorage("int64", src.length * n);
  for (let i = 0; i < src.length; i++) out[i * n + Number(src[i])] = 1;
  return new Tensor(out, [...indices.shape, n]);
}

import { ArgumentError, Tensor } from "../tensor/index.js";

/** Python's `enumerate`: yields `[i, item]` pairs, counting from `start`. */
export function* enumerate<T>(iterable: Iterable<T>, start = 0): Generator<[number, T]> {
  let i = start;
  for (const item of iterable) yield [i++, item];
}

/** Python's `len`: the `length` of a dataset, a loader (batches per epoch) or an array; a tensor's first dim. */
export function len(sized: { readonly length: number } | Tensor): number {
  if (sized instanceof Tensor) {
    if (sized.ndim === 0) throw new ArgumentError("len: a 0-d tensor has no length");
    return sized.shape[0]!;
  }
  return sized.length;
}

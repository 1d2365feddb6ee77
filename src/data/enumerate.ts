/** Python's `enumerate`: yields `[i, item]` pairs, counting from `start`. */
export function* enumerate<T>(iterable: Iterable<T>, start = 0): Generator<[number, T]> {
  let i = start;
  for (const item of iterable) yield [i++, item];
}

/** Python's `len`: the `length` of a dataset, a loader (batches per epoch) or an array. */
export function len(sized: { readonly length: number }): number {
  return sized.length;
}

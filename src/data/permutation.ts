// Shuffles for the data layer. Splits and loaders draw from their own seeded mulberry32, so a data
// split or a loader's order never depends on how many random numbers the model drew before.

/** A uniformly random permutation of 0..n-1 (Fisher–Yates) drawn from `random`. */
export function permutation(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
  return order;
}

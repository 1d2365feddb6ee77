// The seeded generator behind rand/randn/randint/dropout: same seed, same numbers, on every machine.
import { ArgumentError } from "./errors.js";

// PyTorch's default seed, so a fresh kernel is reproducible even before manualSeed.
const DEFAULT_SEED = 67280421310721 % 2 ** 32;

/** Mulberry32: a generator with 32 bits of state, giving floats in [0, 1) with 32 random bits each. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let uniform = mulberry32(DEFAULT_SEED);
let spareNormal: number | null = null;

/** Seeds the global generator (mulberry32 state + Box-Muller cache). */
export function manualSeed(seed: number): void {
  if (typeof seed !== "number" || !Number.isFinite(seed) || !Number.isInteger(seed)) {
    throw new ArgumentError(`manualSeed: seed must be a finite integer, got ${String(seed)}`);
  }
  uniform = mulberry32(Number(BigInt.asUintN(32, BigInt(seed))));
  spareNormal = null;
}

/** Next uniform number in [0, 1) from the global generator. */
export function nextUniform(): number {
  return uniform();
}

/** Next standard normal number (Box-Muller, the second value cached). */
export function nextNormal(): number {
  if (spareNormal !== null) {
    const v = spareNormal;
    spareNormal = null;
    return v;
  }
  let u = nextUniform();
  while (u === 0) u = nextUniform();
  const v = nextUniform();
  const r = Math.sqrt(-2 * Math.log(u));
  spareNormal = r * Math.sin(2 * Math.PI * v);
  return r * Math.cos(2 * Math.PI * v);
}

// Seeded generators behind rand/randn/randint/randperm/multinomial/dropout: same seed, same numbers,
// on every machine. The global one is what `manualSeed` seeds; a `RandomGenerator` (PyTorch's
// `torch.Generator`) is an independent stream passed as `{ generator }`.
import { ArgumentError } from "./errors.js";

// PyTorch's default seed, so a fresh kernel is reproducible even before manualSeed.
const DEFAULT_SEED = 67280421310721 % 2 ** 32;

function checkSeed(seed: unknown, what: string): number {
  if (typeof seed !== "number" || !Number.isFinite(seed) || !Number.isInteger(seed)) {
    throw new ArgumentError(`${what}: seed must be a finite integer, got ${String(seed)}`);
  }
  return Number(BigInt.asUintN(32, BigInt(seed))) >>> 0;
}

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

/** A seeded stream of random numbers (mulberry32 + Box-Muller), as PyTorch's `torch.Generator`. */
export class RandomGenerator {
  /** Next uniform number in [0, 1) with 32 random bits. */
  uniform: () => number;
  private spareNormal: number | null = null;
  private seedValue: number;

  constructor(seed: number = DEFAULT_SEED) {
    this.seedValue = seed;
    this.uniform = mulberry32(checkSeed(seed, "RandomGenerator"));
  }

  /** Re-seeds this generator; returns it (so `new RandomGenerator().manualSeed(42)` reads as PyTorch). */
  manualSeed(seed: number): this {
    this.uniform = mulberry32(checkSeed(seed, "manualSeed"));
    this.seedValue = seed;
    this.spareNormal = null;
    return this;
  }

  /** The seed it was last seeded with. */
  initialSeed(): number {
    return this.seedValue;
  }

  /** Next standard normal number (Box-Muller, the second value cached). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/** The generator `manualSeed` seeds and random ops use without `{ generator }`. */
export const defaultGenerator = new RandomGenerator();

/** Seeds the global generator. */
export function manualSeed(seed: number): void {
  defaultGenerator.manualSeed(seed);
}

/** The generator of a `{ generator }` option (checked), or the global one. */
export function generatorOf(g: unknown, what: string): RandomGenerator {
  if (g === undefined || g === null) return defaultGenerator;
  if (!(g instanceof RandomGenerator)) throw new ArgumentError(`${what}: generator must be a RandomGenerator, got ${typeof g}`);
  return g;
}

/** Next uniform number in [0, 1) from the global generator. */
export function nextUniform(): number {
  return defaultGenerator.uniform();
}

/** Next standard normal number from the global generator. */
export function nextNormal(): number {
  return defaultGenerator.normal();
}

// split and chunk: a tensor cut into consecutive pieces along a dim (e.g. q, k, v out of one
// projection); each piece is a slice with its own gradient path.
import { ArgumentError } from "./errors.js";
import { normalizeDim } from "./shape.js";
import { getSubscript, type Subscript } from "./subscript.js";
import type { Tensor } from "./tensor.js";

/** `a` cut along dim `d` into pieces of the given lengths (which sum to the dim's size). */
function pieces(a: Tensor, d: number, lengths: readonly number[]): Tensor[] {
  const lead: Subscript[] = new Array<Subscript>(d).fill(":");
  const out: Tensor[] = [];
  let start = 0;
  for (const n of lengths) {
    out.push(getSubscript(a, [...lead, `${start}:${start + n}`]));
    start += n;
  }
  return out;
}

function dimOf(a: Tensor, dim: number, op: string): number {
  if (a.ndim === 0) throw new ArgumentError(`${op}: expected a tensor with at least 1 dim, got a 0-d tensor`);
  return normalizeDim(dim, a.ndim, op);
}

/**
 * `split(n, dim)`: pieces of `n` along `dim` (the last one shorter when `n` does not divide the size);
 * `split([n1, n2, …], dim)`: pieces of those sizes, which must sum to the size.
 */
export function split(a: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const d = dimOf(a, dim, "split");
  const size = a.shape[d]!;
  if (typeof splitSizeOrSections === "number") {
    const n = splitSizeOrSections;
    if (!Number.isInteger(n) || n < 0 || (n === 0 && size > 0)) {
      throw new ArgumentError(`split: splitSize must be a positive integer, got ${n}`);
    }
    const lengths: number[] = [];
    for (let s = 0; s < size; s += n) lengths.push(Math.min(n, size - s));
    return pieces(a, d, lengths.length > 0 ? lengths : [0]);
  }
  if (!Array.isArray(splitSizeOrSections)) {
    throw new ArgumentError(`split: splitSizeOrSections must be a number or an array of numbers, got ${typeof splitSizeOrSections}`);
  }
  const sections = splitSizeOrSections as readonly number[];
  let total = 0;
  for (const n of sections) {
    if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`split: splitSizeOrSections [${sections.join(", ")}] must hold non-negative integers`);
    total += n;
  }
  if (total !== size) {
    throw new ArgumentError(`split: splitSizeOrSections [${sections.join(", ")}] sums to ${total}, expected the size of dim ${d}, ${size}`);
  }
  return pieces(a, d, sections);
}

/** `chunks` pieces (or fewer) of ⌈size/chunks⌉ along `dim`, the last one possibly shorter, as PyTorch's chunk. */
export function chunk(a: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ArgumentError(`chunk: chunks must be a positive integer, got ${chunks}`);
  const d = dimOf(a, dim, "chunk");
  const size = a.shape[d]!;
  return split(a, Math.max(1, Math.ceil(size / chunks)), d);
}

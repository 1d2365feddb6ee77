// tril/triu: the lower or upper triangle of the last two dims (a causal attention mask is
// `tril(ones(T, T))`), everything else set to 0; the gradient keeps the same triangle.
import { DIFFERENTIABLE, recordOp } from "./autograd.js";
import { isGradEnabled } from "./grad-mode.js";
import { allocStorage, dtypeOfStorage, type Storage } from "./dtype.js";
import { ArgumentError } from "./errors.js";
import { formatShape } from "./shape.js";
import { Tensor } from "./tensor.js";

/** Copies into a new storage the elements of each matrix with `keep(row, col)`, zeros elsewhere. */
function triangle(src: Storage, shape: readonly number[], keep: (r: number, c: number) => boolean): Storage {
  const rows = shape[shape.length - 2]!;
  const cols = shape[shape.length - 1]!;
  const out = allocStorage(dtypeOfStorage(src), src.length);
  for (let base = 0; base < src.length; base += rows * cols) {
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (keep(r, c)) out[base + r * cols + c] = src[base + r * cols + c]!;
  }
  return out;
}

function triangular(a: Tensor, diagonal: number, op: "tril" | "triu"): Tensor {
  if (a.ndim < 2) throw new ArgumentError(`${op}: input must have at least 2 dims, got shape ${formatShape(a.shape)}`);
  if (!Number.isInteger(diagonal)) throw new ArgumentError(`${op}: diagonal must be an integer, got ${diagonal}`);
  const keep = op === "tril" ? (r: number, c: number): boolean => c - r <= diagonal : (r: number, c: number): boolean => c - r >= diagonal;
  const out = new Tensor(triangle(a.data, a.shape, keep), a.shape);
  // The backward is the same triangle of g: under createGraph, the op itself (so it is recorded).
  return recordOp(out, op === "tril" ? "TrilBackward0" : "TriuBackward0", [a], [], (g) => [
    isGradEnabled() ? triangular(g, diagonal, op) : new Tensor(triangle(g.data, g.shape, keep), g.shape),
  ], DIFFERENTIABLE);
}

/** Elements on and below the `diagonal`-th diagonal of the last two dims (column − row ≤ diagonal), 0 above. */
export function tril(a: Tensor, diagonal = 0): Tensor {
  return triangular(a, diagonal, "tril");
}

/** Elements on and above the `diagonal`-th diagonal of the last two dims (column − row ≥ diagonal), 0 below. */
export function triu(a: Tensor, diagonal = 0): Tensor {
  return triangular(a, diagonal, "triu");
}

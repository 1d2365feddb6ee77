// A tensor's text form, following torch/_tensor_str.py (PyTorch 1.13) so printouts read the same:
// 4 decimals, scientific when the range is wide, summarised past 1000 elements with 3 edge items,
// 80 columns; integers and bools printed exactly; suffixes in tsgrad's words: `requiresGrad=true`, `gradFn=<...>`, `dtype=float64`, `size=[0, 3]`.
// The display layer prints plain tensor-shaped objects and formats its HTML cells with this file.
import { shapeNumel, stridesOf } from "./shape.js";

/** What the printout reads; `Tensor` satisfies it, and so does any contiguous tensor-shaped object. */
export interface Printable {
  readonly shape: readonly number[];
  readonly dtype: string;
  /** Contiguous row-major values. */
  readonly data: ArrayLike<number>;
  readonly requiresGrad?: boolean;
  /** PyTorch-style node name (`"AddBackward0"`); `null` for leaves. */
  readonly gradFn?: string | null;
}

export interface PrintOptions {
  precision: number;
  /** Summarise when the tensor has more elements than this. */
  threshold: number;
  /** Items kept at each end of a summarised dimension. */
  edgeitems: number;
  linewidth: number;
}

export const defaultPrintOptions: PrintOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 };

/** Python's `{:.Ne}`: at least two exponent digits (`1.0000e-05`). */
function exponential(value: number, precision: number): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  const [mantissa, exp] = value.toExponential(precision).split("e") as [string, string];
  const sign = exp.startsWith("-") ? "-" : "+";
  return `${mantissa}e${sign}${exp.replace(/^[+-]/, "").padStart(2, "0")}`;
}

function fixed(value: number, precision: number): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  const s = value.toFixed(precision);
  // Python keeps the sign of negative zero and of negatives that round to zero.
  return (Object.is(value, -0) || (value < 0 && !s.startsWith("-"))) ? `-${s}` : s;
}

function nonFinite(value: number): string {
  return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
}

/**
 * Chooses integer, fixed or scientific notation and a common width from the values shown
 * (PyTorch's `_Formatter`); `plain` gives one element's string, e.g. for a table cell.
 */
export class ValueFormatter {
  intMode = true;
  sciMode = false;
  maxWidth = 1;
  /** "int" and "bool" print exactly (`3`, `True`), as PyTorch prints integer and bool dtypes. */
  private readonly kind: "float" | "int" | "bool";

  constructor(values: ArrayLike<number>, readonly precision = defaultPrintOptions.precision, dtype = "float32") {
    this.kind = dtype === "bool" ? "bool" : dtype === "int32" || dtype === "int64" ? "int" : "float";
    if (this.kind !== "float") {
      for (let i = 0; i < values.length; i++) this.maxWidth = Math.max(this.maxWidth, this.plain(values[i]!).length);
      return;
    }
    let min = Infinity;
    let max = 0;
    let any = false;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v) || v === 0) continue;
      any = true;
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
      if (v !== Math.ceil(v)) this.intMode = false;
    }
    if (!any) return;
    const wide = max / min > 1000 || max > 1e8;
    this.sciMode = this.intMode ? wide : wide || min < 1e-4;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v) || v === 0) continue;
      const width = this.sciMode ? exponential(v, precision).length : this.intMode ? fixed(v, 0).length + 1 : fixed(v, precision).length;
      if (width > this.maxWidth) this.maxWidth = width;
    }
  }

  /** The value without padding. */
  plain(value: number): string {
    if (this.kind === "bool") return value !== 0 ? "True" : "False";
    if (this.kind === "int") return String(value);
    if (this.sciMode) return exponential(value, this.precision);
    if (this.intMode) return Number.isFinite(value) ? `${fixed(value, 0)}.` : nonFinite(value);
    return fixed(value, this.precision);
  }

  /** The value right-aligned to the common width. */
  format(value: number): string {
    return this.plain(value).padStart(this.maxWidth);
  }
}

/** Indices kept along a dimension of `size`: all, or `edge` from each end with -1 marking the gap. */
export function keptIndices(size: number, summarize: boolean, edge: number): number[] {
  if (!summarize || size <= 2 * edge) return Array.from({ length: size }, (_, i) => i);
  const head = Array.from({ length: edge }, (_, i) => i);
  const tail = Array.from({ length: edge }, (_, i) => size - edge + i);
  return [...head, -1, ...tail];
}

/** The values a summarised printout shows (what PyTorch's `get_summarized_data` keeps). */
export function shownValues(t: Printable, summarize: boolean, edge: number): number[] {
  const out: number[] = [];
  const strides = stridesOf(t.shape);
  const walk = (dim: number, offset: number) => {
    if (dim === t.shape.length) {
      out.push(t.data[offset]!);
      return;
    }
    for (const i of keptIndices(t.shape[dim]!, summarize, edge)) {
      if (i >= 0) walk(dim + 1, offset + i * strides[dim]!);
    }
  };
  walk(0, 0);
  return out;
}

function bodyString(t: Printable, indent: number, opts: PrintOptions): string {
  const n = shapeNumel(t.shape);
  if (n === 0) return "[]";
  const summarize = n > opts.threshold;
  const formatter = new ValueFormatter(shownValues(t, summarize, opts.edgeitems), opts.precision, t.dtype);
  const strides = stridesOf(t.shape);
  const ndim = t.shape.length;
  if (ndim === 0) return formatter.format(t.data[0]!);

  const str = (dim: number, offset: number, ind: number): string => {
    const size = t.shape[dim]!;
    const kept = keptIndices(size, summarize, opts.edgeitems);
    if (dim === ndim - 1) {
      const perLine = Math.max(1, Math.floor((opts.linewidth - ind) / (formatter.maxWidth + 2)));
      const items = kept.map((i) => (i < 0 ? " ..." : formatter.format(t.data[offset + i * strides[dim]!]!)));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(", "));
      return `[${lines.join(`,\n${" ".repeat(ind + 1)}`)}]`;
    }
    const remaining = ndim - dim;
    const slices = kept.map((i) => (i < 0 ? "..." : str(dim + 1, offset + i * strides[dim]!, ind + 1)));
    return `[${slices.join(`,${"\n".repeat(remaining - 1)}${" ".repeat(ind + 1)}`)}]`;
  };
  return str(0, 0, indent);
}

/** Python's `_add_suffixes`: a suffix moves to its own line when it would pass the line width. */
function addSuffixes(body: string, suffixes: string[], indent: number, linewidth: number): string {
  const parts = [body];
  let lastLineLength = body.length - body.lastIndexOf("\n") + 1;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > linewidth) {
      parts.push(`,\n${" ".repeat(indent)}${suffix}`);
      lastLineLength = indent + suffix.length;
    } else {
      parts.push(`, ${suffix}`);
      lastLineLength += suffix.length + 2;
    }
  }
  parts.push(")");
  return parts.join("");
}

/** PyTorch's `repr(tensor)` in tsgrad's words: `tensor([1.0000, 2.5000], requiresGrad=true)`. */
export function formatTensor(t: Printable, options: Partial<PrintOptions> = {}): string {
  const opts = { ...defaultPrintOptions, ...options };
  const prefix = "tensor(";
  const suffixes: string[] = [];
  const empty = shapeNumel(t.shape) === 0;
  if (empty && t.shape.length !== 1) suffixes.push(`size=[${t.shape.join(", ")}]`);
  // As PyTorch: int64 and bool are implied by the values, except when there are none.
  const implied = t.dtype === "float32" || (!empty && (t.dtype === "int64" || t.dtype === "bool"));
  if (!implied) suffixes.push(`dtype=${t.dtype}`);
  if (t.gradFn) suffixes.push(`gradFn=<${t.gradFn}>`);
  else if (t.requiresGrad) suffixes.push("requiresGrad=true");
  return addSuffixes(prefix + bodyString(t, prefix.length, opts), suffixes, prefix.length, opts.linewidth);
}

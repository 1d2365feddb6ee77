// PyTorch-like printout (a port of torch/_tensor_str.py's defaults: precision 4, threshold 1000,
// edgeitems 3, linewidth 80), with our own suffixes: `requiresGrad=true`, `gradFn=<...>`, `dtype=float64`.
import type { Tensor } from "./tensor.js";

const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE = 3;
const LINEWIDTH = 80;

/** Python's `{:.4e}`: two-digit exponent with sign. */
function sci(v: number): string {
  const s = v.toExponential(PRECISION);
  return s.replace(/e([+-])(\d)$/, "e$10$2");
}

class Formatter {
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(values: ArrayLike<number>) {
    const finite: number[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (Number.isFinite(v) && v !== 0) finite.push(v);
    }
    if (finite.length === 0) {
      // Width still has to fit nan/inf/0.
      for (let i = 0; i < values.length; i++) this.maxWidth = Math.max(this.maxWidth, this.format(values[i]!).length);
      return;
    }
    let lo = Infinity;
    let hi = 0;
    for (const v of finite) {
      const a = Math.abs(v);
      if (a < lo) lo = a;
      if (a > hi) hi = a;
      if (v !== Math.ceil(v)) this.intMode = false;
    }
    if (this.intMode) {
      if (hi / lo > 1000 || hi > 1e8) {
        this.sciMode = true;
        for (const v of finite) this.maxWidth = Math.max(this.maxWidth, sci(v).length);
      } else for (const v of finite) this.maxWidth = Math.max(this.maxWidth, v.toFixed(0).length + 1);
    } else if (hi / lo > 1000 || hi > 1e8 || lo < 1e-4) {
      this.sciMode = true;
      for (const v of finite) this.maxWidth = Math.max(this.maxWidth, sci(v).length);
    } else for (const v of finite) this.maxWidth = Math.max(this.maxWidth, v.toFixed(PRECISION).length);
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) this.maxWidth = Math.max(this.maxWidth, this.raw(values[i]!).length);
    }
  }

  width(): number {
    return this.maxWidth;
  }

  private raw(v: number): string {
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    if (this.sciMode) return sci(v);
    if (this.intMode) return `${Object.is(v, -0) ? "-0" : v.toFixed(0)}.`;
    return v.toFixed(PRECISION);
  }

  format(v: number): string {
    return this.raw(v).padStart(this.maxWidth, " ");
  }
}

/** The values the formatter sizes itself on: everything, or only the edges when summarising. */
function summarizedValues(t: Tensor, summarize: boolean): ArrayLike<number> {
  if (!summarize) return t.data;
  const out: number[] = [];
  const visit = (dim: number, offset: number): void => {
    const n = t.shape[dim]!;
    const stride = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const rows = n > 2 * EDGE ? [...range(0, EDGE), ...range(n - EDGE, n)] : range(0, n);
    for (const r of rows) {
      if (dim === t.ndim - 1) out.push(t.data[offset + r]!);
      else visit(dim + 1, offset + r * stride);
    }
  };
  visit(0, 0);
  return out;
}

function range(a: number, b: number): number[] {
  const r: number[] = [];
  for (let i = a; i < b; i++) r.push(i);
  return r;
}

function tensorStr(t: Tensor, dim: number, offset: number, indent: number, summarize: boolean, fmt: Formatter): string {
  const n = t.shape[dim]!;
  const stride = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const rows = summarize && n > 2 * EDGE ? [...range(0, EDGE), -1, ...range(n - EDGE, n)] : range(0, n);
  if (dim === t.ndim - 1) {
    const elementLength = fmt.width() + 2;
    const perLine = Math.max(1, Math.floor((LINEWIDTH - indent) / elementLength));
    const items = rows.map((r) => (r < 0 ? " ..." : fmt.format(t.data[offset + r]!)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(", "));
    return "[" + lines.join(",\n" + " ".repeat(indent + 1)) + "]";
  }
  const slices = rows.map((r) => (r < 0 ? "..." : tensorStr(t, dim + 1, offset + r * stride, indent + 1, summarize, fmt)));
  const remaining = t.ndim - dim;
  return "[" + slices.join("," + "\n".repeat(remaining - 1) + " ".repeat(indent + 1)) + "]";
}

/** `tensor([[0.1000, 0.2000]], requiresGrad=true)`, summarised with `...` past 1000 elements. */
export function formatTensor(t: Tensor): string {
  const prefix = "tensor(";
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  if (t.numel === 0) {
    body = "[]";
    if (t.ndim !== 1) suffixes.push(`size=(${t.shape.join(", ")})`);
  } else {
    const summarize = t.numel > THRESHOLD;
    const fmt = new Formatter(summarizedValues(t, summarize && t.ndim > 0));
    body = t.ndim === 0 ? fmt.format(t.data[0]!).trim() : tensorStr(t, 0, 0, indent, summarize, fmt);
  }
  if (t.dtype !== "float32") suffixes.push(`dtype=${t.dtype}`);
  if (t.gradFn !== null) suffixes.push(`gradFn=<${t.gradFn}>`);
  else if (t.requiresGrad) suffixes.push("requiresGrad=true");
  // Python's _add_suffixes: a suffix moves to its own line when it would pass the line width.
  let out = prefix + body;
  let lastLineLen = out.length - out.lastIndexOf("\n") + 1;
  for (const s of suffixes) {
    if (lastLineLen + s.length + 2 > LINEWIDTH) {
      out += ",\n" + " ".repeat(indent) + s;
      lastLineLen = indent + s.length;
    } else {
      out += ", " + s;
      lastLineLen += s.length + 2;
    }
  }
  return out + ")";
}

// One SVG histogram per parameter of a model's current .grad, so a learner sees gradients grow
// when zeroGrad is forgotten (and sees which grads are still null).
import { Figure } from "./figure.js";
import { escapeHtml, fontFamily, px, shortNumber } from "./html.js";
import type { MimeBundle } from "./mime-bundle.js";
import type { ModuleLike, TensorLike } from "./structural.js";
import { tensorStats } from "./tensor-view.js";

export interface GradHistogramOptions {
  /** Same x range for every parameter (their overall min and max), to compare magnitudes. */
  sharedAxis?: boolean;
  /** A fixed x range, to compare across cells; values outside are counted in the end bins. */
  range?: [number, number];
  bins?: number;
}

export interface Histogram {
  lo: number;
  hi: number;
  counts: number[];
  /** Values outside [lo, hi] (counted in the end bins) and NaN/Infinity (not counted). */
  clipped: number;
  nonFinite: number;
}

/** Counts of `data` in `bins` equal-width bins over [lo, hi]. */
export function histogram(data: ArrayLike<number>, bins: number, lo: number, hi: number): Histogram {
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  let clipped = 0;
  let nonFinite = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) {
      nonFinite++;
      continue;
    }
    let b = Math.floor((v - lo) / width);
    if (b < 0 || b >= bins) {
      if (v < lo || v > hi) clipped++;
      b = b < 0 ? 0 : bins - 1;
    }
    counts[b]!++;
  }
  return { lo, hi, counts, clipped, nonFinite };
}

function finiteRange(data: ArrayLike<number>): [number, number] {
  const { min, max } = tensorStats(data);
  return [min, max];
}

/** A non-empty range around [lo, hi] (a constant grad still gets a visible bar). */
function padRange([lo, hi]: [number, number]): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [-1, 1];
  if (lo === hi) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - d, hi + d];
  }
  return [lo, hi];
}

function l2(data: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i]! * data[i]!;
  return Math.sqrt(s);
}

interface ParamGrad {
  name: string;
  shape: readonly number[];
  grad: TensorLike | null;
  hist: Histogram | null;
  norm: number;
}

function collect(model: ModuleLike, opts: GradHistogramOptions): ParamGrad[] {
  const bins = opts.bins ?? 30;
  const params = [...model.namedParameters()];
  let shared: [number, number] | null = opts.range ?? null;
  if (!shared && opts.sharedAxis) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const [, p] of params) {
      if (!p.grad) continue;
      const [a, b] = finiteRange(p.grad.data);
      lo = Math.min(lo, a);
      hi = Math.max(hi, b);
    }
    shared = padRange([lo, hi]);
  }
  return params.map(([name, p]) => {
    const grad = p.grad ?? null;
    if (!grad) return { name, shape: p.shape, grad, hist: null, norm: 0 };
    const [lo, hi] = shared ?? padRange(finiteRange(grad.data));
    return { name, shape: p.shape, grad, hist: histogram(grad.data, bins, lo, hi), norm: l2(grad.data) };
  });
}

const sparkChars = "▁▂▃▄▅▆▇█";

function sparkline(counts: number[], width = 16): string {
  const group = Math.ceil(counts.length / width);
  const merged: number[] = [];
  for (let i = 0; i < counts.length; i += group) merged.push(counts.slice(i, i + group).reduce((a, b) => a + b, 0));
  const max = Math.max(...merged, 1);
  return merged.map((c) => (c === 0 ? " " : sparkChars[Math.min(7, Math.floor((c / max) * 7.999))])).join("");
}

const panelWidth = 240;
const panelHeight = 120;

/** The SVG of one histogram (standalone, well-formed XML). */
export function histogramSvg(title: string, h: Histogram, subtitle: string): string {
  const left = 8;
  const right = 8;
  const top = 30;
  const bottom = 22;
  const plotW = panelWidth - left - right;
  const plotH = panelHeight - top - bottom;
  const max = Math.max(...h.counts, 1);
  const barW = plotW / h.counts.length;
  const bars = h.counts
    .map((c, i) => {
      if (c === 0) return "";
      const bh = Math.max(1, (c / max) * plotH);
      return `<rect x="${px(left + i * barW + 0.5)}" y="${px(top + plotH - bh)}" width="${px(Math.max(0.5, barW - 1))}" height="${px(bh)}" fill="#4e79a7"><title>${escapeHtml(`${c}`)}</title></rect>`;
    })
    .join("");
  const zero = h.lo < 0 && h.hi > 0 ? left + ((0 - h.lo) / (h.hi - h.lo)) * plotW : null;
  const zeroLine = zero === null ? "" : `<line x1="${px(zero)}" y1="${top}" x2="${px(zero)}" y2="${top + plotH}" stroke="#999" stroke-dasharray="2,2"/>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="tsgrad-histogram" width="${panelWidth}" height="${panelHeight}" viewBox="0 0 ${panelWidth} ${panelHeight}" font-family="${escapeHtml(fontFamily)}">` +
    `<rect x="0" y="0" width="${panelWidth}" height="${panelHeight}" fill="#ffffff" stroke="#e0e0e0"/>` +
    `<text x="${left}" y="13" font-size="12" font-weight="600" fill="#222">${escapeHtml(title)}</text>` +
    `<text x="${left}" y="25" font-size="10" fill="#666">${escapeHtml(subtitle)}</text>` +
    bars +
    zeroLine +
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#444"/>` +
    `<text x="${left}" y="${panelHeight - 6}" font-size="10" fill="#444">${escapeHtml(shortNumber(h.lo))}</text>` +
    `<text x="${left + plotW}" y="${panelHeight - 6}" font-size="10" fill="#444" text-anchor="end">${escapeHtml(shortNumber(h.hi))}</text>` +
    `<text class="tsgrad-x-label" x="${left + plotW / 2}" y="${panelHeight - 6}" font-size="10" fill="#666" text-anchor="middle">gradient value</text>` +
    `</svg>`
  );
}

/** The SVG shown in place of a histogram when the parameter has no gradient. */
export function nullGradSvg(title: string, shape: readonly number[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="tsgrad-histogram tsgrad-null-grad" width="${panelWidth}" height="${panelHeight}" viewBox="0 0 ${panelWidth} ${panelHeight}" font-family="${escapeHtml(fontFamily)}">` +
    `<rect x="0" y="0" width="${panelWidth}" height="${panelHeight}" fill="#fafafa" stroke="#e0e0e0" stroke-dasharray="4,3"/>` +
    `<text x="8" y="13" font-size="12" font-weight="600" fill="#222">${escapeHtml(title)}</text>` +
    `<text x="8" y="25" font-size="10" fill="#666">${escapeHtml(`shape [${shape.join(", ")}]`)}</text>` +
    `<text x="${panelWidth / 2}" y="${panelHeight / 2 + 14}" font-size="14" fill="#999" text-anchor="middle">grad is null</text>` +
    `</svg>`
  );
}

export function gradHistogramBundle(model: ModuleLike, opts: GradHistogramOptions = {}): MimeBundle {
  const grads = collect(model, opts);
  const nameWidth = Math.max(0, ...grads.map((g) => g.name.length));
  const text = grads.map((g) => {
    const head = `${g.name.padEnd(nameWidth)}  [${g.shape.join(", ")}]`;
    if (!g.hist) return `${head}  grad is null`;
    return `${head}  ‖grad‖=${shortNumber(g.norm)}  |${sparkline(g.hist.counts)}|  ${shortNumber(g.hist.lo)} … ${shortNumber(g.hist.hi)}`;
  });
  const nulls = grads.filter((g) => !g.hist).length;
  const summary = `${grads.length} parameters, ${nulls} with grad null`;
  const panels = grads.map((g) => {
    const svg = g.hist
      ? histogramSvg(g.name, g.hist, `[${g.shape.join(", ")}]  ‖grad‖ ${shortNumber(g.norm)}${g.hist.clipped ? `  ${g.hist.clipped} clipped` : ""}${g.hist.nonFinite ? `  ${g.hist.nonFinite} non-finite` : ""}`)
      : nullGradSvg(g.name, g.shape);
    return `<div style="display:inline-block;margin:0 8px 8px 0;vertical-align:top">${svg}</div>`;
  });
  const html =
    `<div class="tsgrad-grad-histograms" style="display:inline-block;font-family:${fontFamily};font-size:12px">` +
    `<div style="color:#444;margin-bottom:4px">Gradient histograms · ${escapeHtml(summary)}${opts.sharedAxis || opts.range ? " · shared x axis" : ""}</div>` +
    `<div>${panels.join("")}</div></div>`;
  return { "text/plain": [`Gradient histograms (${summary})`, ...text].join("\n"), "text/html": html };
}

/** `gradHistogram(model)`: one histogram per parameter of its `.grad` as of this call (a snapshot). */
export function gradHistogram(model: ModuleLike, opts: GradHistogramOptions = {}): Figure {
  const bundle = gradHistogramBundle(model, opts);
  return new Figure(() => bundle);
}

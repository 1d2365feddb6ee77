// A tensor's MIME bundle: PyTorch's printout as text/plain, and an HTML card with its metadata, a
// (summarised, heat-mapped) table of values and its .grad beside it.
import { Figure } from "./figure.js";
import { escapeHtml, fontFamily, heatColor, monoFamily, shortNumber } from "./html.js";
import type { MimeBundle } from "./mime-bundle.js";
import { gradFnName, type TensorLike } from "./structural.js";
import { shapeNumel, stridesOf } from "../tensor/shape.js";
import { formatTensorLike, keptIndices, ValueFormatter } from "./tensor-format.js";
import { fixedColors, pageText, themedBorder } from "./theme.js";

/** HTML tables show an axis in full up to this length, else `htmlEdgeItems` from each end. */
export const htmlMaxAxis = 12;
export const htmlEdgeItems = 5;
/** Leading axes of a ≥3-D tensor (one table per slice) are cut to 2 slices from each end past 4. */
export const htmlMaxSlices = 4;

export interface TensorStats {
  min: number;
  max: number;
  mean: number;
  maxAbs: number;
  nonFinite: number;
}

/** One pass over the data: min, max, mean, largest magnitude, count of NaN/±Infinity. */
export function tensorStats(data: ArrayLike<number>): TensorStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let nonFinite = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) {
      nonFinite++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const finite = data.length - nonFinite;
  return { min, max, mean: finite ? sum / finite : NaN, maxAbs: Math.max(Math.abs(min), Math.abs(max), 0), nonFinite };
}

/** The tensor's own printout when it is PyTorch-shaped, else ours. */
export function tensorText(t: TensorLike): string {
  let own = "";
  try {
    own = String(t);
  } catch {
    // A broken toString must not break the display; ours follows.
  }
  return own.startsWith("tensor(") ? own : formatTensorLike(t);
}

const cellStyle = `padding:1px 4px;text-align:right;${themedBorder()};white-space:nowrap`;
const gapStyle = `padding:1px 4px;text-align:center;${pageText()};${themedBorder()}`;

function matrixTable(t: TensorLike, offset: number, formatter: ValueFormatter, scale: number, heat: boolean): string {
  const ndim = t.shape.length;
  const strides = stridesOf(t.shape);
  const rows = ndim >= 2 ? keptIndices(t.shape[ndim - 2]!, t.shape[ndim - 2]! > htmlMaxAxis, htmlEdgeItems) : [0];
  const cols = keptIndices(t.shape[ndim - 1]!, t.shape[ndim - 1]! > htmlMaxAxis, htmlEdgeItems);
  const rowStride = ndim >= 2 ? strides[ndim - 2]! : 0;
  const body = rows.map((r) => {
    const cells = cols.map((c) => {
      if (r < 0 || c < 0) return `<td style="${gapStyle}">${r < 0 && c < 0 ? "⋱" : r < 0 ? "⋮" : "…"}</td>`;
      const v = t.data[offset + r * rowStride + c]!;
      // A heat-mapped cell has its own light background, so its own dark text in every theme.
      const bg = heat ? `;${fixedColors(heatColor(v, scale))}` : "";
      return `<td style="${cellStyle}${bg}" title="${escapeHtml(`[${ndim >= 2 ? `${r}, ` : ""}${c}] = ${v}`)}">${escapeHtml(formatter.plain(v))}</td>`;
    });
    return `<tr>${cells.join("")}</tr>`;
  });
  return `<table class="tsgrad-values" style="border-collapse:collapse;font-family:${monoFamily};font-size:11px;margin:0">${body.join("")}</table>`;
}

/** The values of a tensor as HTML tables: one for ≤2-D, one per trailing 2-D slice otherwise. */
export function valuesHtml(t: TensorLike, stats: TensorStats): string {
  const n = shapeNumel(t.shape);
  if (n === 0) return `<div style="${pageText()}">(empty)</div>`;
  if (t.shape.length === 0) {
    return `<div class="tsgrad-values" style="font-family:${monoFamily};font-size:13px">${escapeHtml(new ValueFormatter([t.data[0]!], undefined, t.dtype).plain(t.data[0]!))}</div>`;
  }
  // Format with the visible values only, as PyTorch does for a summarised printout.
  const visible: number[] = [];
  const ndim = t.shape.length;
  const strides = stridesOf(t.shape);
  const sliceOffsets: { label: string; offset: number }[] = [];
  const lead = (dim: number, offset: number, idx: string[]) => {
    if (dim >= ndim - 2) {
      sliceOffsets.push({ label: idx.length ? `[${[...idx, ":", ":"].join(", ")}]` : "", offset });
      return;
    }
    for (const i of keptIndices(t.shape[dim]!, t.shape[dim]! > htmlMaxSlices, 2)) {
      if (i < 0) sliceOffsets.push({ label: "…", offset: -1 });
      else lead(dim + 1, offset + i * strides[dim]!, [...idx, String(i)]);
    }
  };
  lead(0, 0, []);
  const rows = ndim >= 2 ? keptIndices(t.shape[ndim - 2]!, t.shape[ndim - 2]! > htmlMaxAxis, htmlEdgeItems) : [0];
  const cols = keptIndices(t.shape[ndim - 1]!, t.shape[ndim - 1]! > htmlMaxAxis, htmlEdgeItems);
  const rowStride = ndim >= 2 ? strides[ndim - 2]! : 0;
  for (const s of sliceOffsets) {
    if (s.offset < 0) continue;
    for (const r of rows) for (const c of cols) if (r >= 0 && c >= 0) visible.push(t.data[s.offset + r * rowStride + c]!);
  }
  const formatter = new ValueFormatter(visible, undefined, t.dtype);
  const heat = ndim >= 2;
  return sliceOffsets
    .map((s) => {
      if (s.offset < 0) return `<div style="${pageText()};margin:2px 0">⋮</div>`;
      const label = s.label ? `<div style="${pageText()};font-size:11px;margin:4px 0 1px">${escapeHtml(s.label)}</div>` : "";
      return label + matrixTable(t, s.offset, formatter, stats.maxAbs, heat);
    })
    .join("");
}

function statsLine(stats: TensorStats): string {
  const parts = [`min ${shortNumber(stats.min)}`, `max ${shortNumber(stats.max)}`, `mean ${shortNumber(stats.mean)}`];
  if (stats.nonFinite) parts.push(`${stats.nonFinite} non-finite`);
  return parts.join(" · ");
}

function panel(title: string, t: TensorLike, stats: TensorStats, cls: string): string {
  return (
    `<div class="${cls}">` +
    `<div style="font-weight:600;margin-bottom:2px">${escapeHtml(title)}</div>` +
    valuesHtml(t, stats) +
    `<div style="${pageText()};font-size:11px;margin-top:3px">${escapeHtml(statsLine(stats))}</div></div>`
  );
}

/** Background and text colour of the header's badges (each pair above 7:1). */
const badgeColors = { plain: ["#ececec", "#333333"], grad: ["#fde0dc", "#8b1a10"], gradFn: ["#dbe9f6", "#123f6b"] } as const;

/** The HTML card of a tensor. */
export function tensorHtml(t: TensorLike): string {
  const shape = `[${t.shape.join(", ")}]`;
  const fn = gradFnName(t);
  // Badges are pills with their own light background and dark text, readable in any theme.
  const badge = (text: string, [background, color]: readonly [string, string] = badgeColors.plain) =>
    `<span style="${fixedColors(background, color)};border-radius:3px;padding:0 5px;margin-left:6px">${escapeHtml(text)}</span>`;
  const head =
    (t.name ? `<b class="tsgrad-name">${escapeHtml(t.name)}</b> ` : "") +
    `<span style="${pageText()}">tensor</span>` +
    badge(`shape ${shape}`) +
    badge(t.dtype) +
    badge(`requiresGrad=${t.requiresGrad ? "true" : "false"}`, t.requiresGrad ? badgeColors.grad : badgeColors.plain) +
    (fn ? badge(`gradFn=${fn}`, badgeColors.gradFn) : "") +
    (t.grad ? "" : t.requiresGrad ? badge("grad is null", badgeColors.plain) : "");
  const grad = t.grad ? panel("grad", t.grad, tensorStats(t.grad.data), "tsgrad-grad") : "";
  return (
    `<div class="tsgrad-tensor" style="display:inline-block;font-family:${fontFamily};font-size:12px;line-height:1.35;padding:4px 0">` +
    `<div class="tsgrad-tensor-head" style="margin-bottom:4px">${head}</div>` +
    `<div style="display:flex;flex-wrap:wrap;gap:6px 20px;align-items:flex-start">` +
    panel("value", t, tensorStats(t.data), "tsgrad-value") +
    grad +
    `</div></div>`
  );
}

/** The MIME bundle of a tensor. */
export function tensorBundle(t: TensorLike): MimeBundle {
  return { "text/plain": tensorText(t), "text/html": tensorHtml(t) };
}

/** A tensor as a displayable figure (for tensors whose class has no display of its own). */
export function tensorView(t: TensorLike): Figure {
  return new Figure(() => tensorBundle(t));
}

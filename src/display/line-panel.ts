// One panel of a line chart (axes, ticks, axis label, series, vertical marks) and its legend, shared
// by the training curves and `lineChart`. Each series gets a dash pattern and, when it has few points,
// hollow markers of its own shape, so lines that coincide exactly stay visible.
import { escapeHtml, niceTicks, palette, px, shortNumber } from "./html.js";

export type MarkerShape = "circle" | "square" | "triangle" | "diamond";

/** How one series is drawn: colour, SVG dash pattern ("" for solid), marker shape. */
export interface LineStyle {
  color: string;
  dash: string;
  marker: MarkerShape;
}

export interface LineSeries extends LineStyle {
  name: string;
  /** Coordinates; a point with a non-finite x or y is not drawn. */
  xs: readonly number[];
  ys: readonly number[];
}

/** A vertical line at `x` with a short label (e.g. where a rule puts the learning rate). */
export interface AxisMark {
  x: number;
  label: string;
}

export interface PanelAxes {
  /** Panel title, which names what the y axis counts. */
  title: string;
  /** What the x axis counts ("epoch", "optimizer step", "samples seen", …). */
  xLabel: string;
  logX?: boolean;
  logY?: boolean;
  marks?: readonly AxisMark[];
}

/** Points kept per series: the rest are merged, keeping each bucket's min and max. */
export const maxPlottedPoints = 600;
/** Markers are drawn on series with at most this many points (more would hide the line). */
const maxMarkedPoints = 40;

const dashes = ["", "7 4", "2 3", "10 3 2 3"];
const markers: MarkerShape[] = ["circle", "square", "triangle", "diamond"];

/** The style of the i-th series: colours cycle through the palette, dashes and markers through their own lists. */
export function lineStyle(i: number): LineStyle {
  return { color: palette[i % palette.length]!, dash: dashes[i % dashes.length]!, marker: markers[i % markers.length]! };
}

/**
 * Indices of the points drawn for a long series: at most ~`max`, spikes kept (each bucket's min and
 * max), the last point always. Works on plain arrays so a 200,000-step run draws in milliseconds.
 */
export function downsample(ys: ArrayLike<number>, max = maxPlottedPoints): number[] {
  const n = ys.length;
  const ok = (v: number) => v - v === 0;
  if (n <= max) {
    const all: number[] = [];
    for (let i = 0; i < n; i++) if (ok(ys[i]!)) all.push(i);
    return all;
  }
  const buckets = Math.floor(max / 2);
  const size = n / buckets;
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const end = Math.min(n, Math.floor((b + 1) * size));
    let lo = -1;
    let hi = -1;
    for (let i = Math.floor(b * size); i < end; i++) {
      const v = ys[i]!;
      if (!ok(v)) continue;
      if (lo < 0 || v < ys[lo]!) lo = i;
      if (hi < 0 || v > ys[hi]!) hi = i;
    }
    if (lo < 0) continue;
    for (const i of lo <= hi ? [lo, hi] : [hi, lo]) if (out[out.length - 1] !== i) out.push(i);
  }
  let last = n - 1;
  while (last >= 0 && !ok(ys[last]!)) last--;
  if (last >= 0 && out[out.length - 1] !== last) out.push(last);
  return out;
}

/** Ticks of a log axis spanning [10^lo, 10^hi]: 1-2-5 per decade when that gives few enough, else decades. */
function logTicks(lo: number, hi: number): number[] {
  const ticks = (mantissas: number[]) => {
    const out: number[] = [];
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
      for (const m of mantissas) {
        const v = Number((m * 10 ** e).toPrecision(12));
        const l = Math.log10(v);
        if (l >= lo - 1e-9 && l <= hi + 1e-9) out.push(v);
      }
    }
    return out;
  };
  const fine = ticks([1, 2, 5]);
  return fine.length <= 8 ? fine : ticks([1]);
}

function markerSvg(shape: MarkerShape, x: number, y: number, color: string): string {
  const r = 3.5;
  const stroke = `fill="none" stroke="${color}" stroke-width="1.5"`;
  switch (shape) {
    case "circle":
      return `<circle cx="${px(x)}" cy="${px(y)}" r="${r}" ${stroke}/>`;
    case "square":
      return `<rect x="${px(x - r)}" y="${px(y - r)}" width="${2 * r}" height="${2 * r}" ${stroke}/>`;
    case "triangle":
      return `<polygon points="${px(x)},${px(y - r - 1)} ${px(x + r + 0.5)},${px(y + r)} ${px(x - r - 0.5)},${px(y + r)}" ${stroke}/>`;
    case "diamond":
      return `<polygon points="${px(x)},${px(y - r - 1)} ${px(x + r + 1)},${px(y)} ${px(x)},${px(y + r + 1)} ${px(x - r - 1)},${px(y)}" ${stroke}/>`;
  }
}

export const panelW = 380;
export const panelH = 250;
const margin = { left: 52, right: 12, top: 26, bottom: 34 };

/** One panel at horizontal offset `x0`: frame, ticks, x-axis label, vertical marks and the series. */
export function linePanel(x0: number, axes: PanelAxes, series: readonly LineSeries[]): string {
  const plotW = panelW - margin.left - margin.right;
  const plotH = panelH - margin.top - margin.bottom;
  const frame = `<text x="${px(x0 + margin.left)}" y="16" font-size="13" font-weight="600" fill="#222">${escapeHtml(axes.title)}</text>`;
  // Coordinates on the axes' scales (log10 for a log axis), NaN where a point is not drawn; plain
  // loops over typed arrays, since a live chart of a 200,000-step run redraws again and again.
  const scaled = series.map((s): { xs: ArrayLike<number>; ys: ArrayLike<number> } => {
    const n = Math.min(s.xs.length, s.ys.length);
    let plain = !axes.logX && !axes.logY && s.xs.length === s.ys.length;
    for (let i = 0; plain && i < n; i++) if (s.xs[i]! - s.xs[i]! !== 0) plain = false;
    if (plain) return { xs: s.xs, ys: s.ys };
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = s.xs[i]!;
      const y = s.ys[i]!;
      xs[i] = axes.logX ? (x > 0 ? Math.log10(x) : NaN) : x;
      ys[i] = xs[i]! - xs[i]! !== 0 ? NaN : axes.logY ? (y > 0 ? Math.log10(y) : NaN) : y;
    }
    return { xs, ys };
  });
  let [xMin, xMax, yMin, yMax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const { xs, ys } of scaled) {
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      if (y !== y) continue;
      if (x < xMin) xMin = x;
      if (x > xMax) xMax = x;
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
    }
  }
  if (xMin > xMax) {
    return frame + `<text x="${px(x0 + panelW / 2)}" y="${px(panelH / 2)}" font-size="12" fill="#999" text-anchor="middle">no data yet</text>`;
  }
  if (xMin === xMax) [xMin, xMax] = [xMin - 1, xMax + 1];
  if (yMin === yMax) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
  const pad = (yMax - yMin) * 0.05;
  yMin -= pad;
  yMax += pad;
  if (axes.logX) {
    const xPad = (xMax - xMin) * 0.04;
    xMin -= xPad;
    xMax += xPad;
  }
  // On scaled coordinates; `sxValue` maps an axis value (a tick, a mark) first.
  const sx = (x: number) => x0 + margin.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const sy = (y: number) => margin.top + plotH - ((y - yMin) / (yMax - yMin)) * plotH;
  const sxValue = (x: number) => sx(axes.logX ? Math.log10(x) : x);
  const syValue = (y: number) => sy(axes.logY ? Math.log10(y) : y);
  const parts: string[] = [frame];
  for (const t of axes.logY ? logTicks(yMin, yMax) : niceTicks(yMin, yMax, 5)) {
    const y = syValue(t);
    if (y < margin.top - 0.5 || y > margin.top + plotH + 0.5) continue;
    parts.push(`<line x1="${px(x0 + margin.left)}" y1="${px(y)}" x2="${px(x0 + margin.left + plotW)}" y2="${px(y)}" stroke="#eee"/>`);
    parts.push(`<text x="${px(x0 + margin.left - 5)}" y="${px(y + 3.5)}" font-size="10" fill="#555" text-anchor="end">${escapeHtml(shortNumber(t))}</text>`);
  }
  // Counts (epochs, steps, micro-batches) get whole-number ticks only.
  const wholeX = !axes.logX && series.every((s) => s.xs.every((x) => Number.isInteger(x) || x !== x));
  const xTicks = axes.logX ? logTicks(xMin, xMax) : niceTicks(xMin, xMax, 5).filter((t) => !wholeX || Number.isInteger(t));
  for (const t of xTicks) {
    const x = sxValue(t);
    if (x < x0 + margin.left - 0.5 || x > x0 + margin.left + plotW + 0.5) continue;
    parts.push(`<line x1="${px(x)}" y1="${margin.top + plotH}" x2="${px(x)}" y2="${margin.top + plotH + 4}" stroke="#444"/>`);
    parts.push(`<text x="${px(x)}" y="${margin.top + plotH + 15}" font-size="10" fill="#555" text-anchor="middle">${escapeHtml(shortNumber(t))}</text>`);
  }
  parts.push(`<rect x="${px(x0 + margin.left)}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`);
  parts.push(`<text class="tsgrad-x-label" x="${px(x0 + margin.left + plotW / 2)}" y="${panelH - 4}" font-size="11" fill="#444" text-anchor="middle">${escapeHtml(axes.xLabel + (axes.logX ? " (log scale)" : ""))}</text>`);
  (axes.marks ?? []).forEach((m, i) => {
    const x = sxValue(m.x);
    if (!(x >= x0 + margin.left && x <= x0 + margin.left + plotW)) return;
    parts.push(
      `<g class="tsgrad-mark"><line x1="${px(x)}" y1="${margin.top}" x2="${px(x)}" y2="${margin.top + plotH}" stroke="#888" stroke-dasharray="3 3"/>` +
        `<text x="${px(x + 3)}" y="${margin.top + 11 + 12 * i}" font-size="10" fill="#555">${escapeHtml(m.label)}</text></g>`,
    );
  });
  series.forEach((s, k) => {
    const { xs, ys } = scaled[k]!;
    const kept = downsample(ys);
    if (kept.length === 0) return;
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : "";
    if (kept.length > 1) {
      const coords = kept.map((i) => `${px(sx(xs[i]!))},${px(sy(ys[i]!))}`).join(" ");
      parts.push(`<polyline class="tsgrad-run" points="${coords}" fill="none" stroke="${s.color}" stroke-width="1.8" stroke-linejoin="round"${dash}/>`);
    }
    if (kept.length <= maxMarkedPoints) {
      parts.push(`<g class="tsgrad-markers">${kept.map((i) => markerSvg(s.marker, sx(xs[i]!), sy(ys[i]!), s.color)).join("")}</g>`);
    }
  });
  return parts.join("");
}

/** Legend entries flowing left to right and wrapping within `width`; returns the SVG and its height. */
export function legendSvg(entries: readonly (LineStyle & { label: string })[], width: number, top: number): { svg: string; height: number } {
  // Text width estimated at 6.3 px per character (11 px font).
  let cx = 12;
  let row = 0;
  const parts = entries.map((e) => {
    const w = 30 + e.label.length * 6.3 + 18;
    if (cx > 12 && cx + w > width - 12) {
      cx = 12;
      row++;
    }
    const x = cx;
    cx += w;
    const y = top + 14 + row * 18;
    const dash = e.dash ? ` stroke-dasharray="${e.dash}"` : "";
    return (
      `<g class="tsgrad-legend"><line x1="${px(x)}" y1="${y - 4}" x2="${px(x + 24)}" y2="${y - 4}" stroke="${e.color}" stroke-width="2.5"${dash}/>` +
      markerSvg(e.marker, x + 12, y - 4, e.color) +
      `<text x="${px(x + 30)}" y="${y}" font-size="11" fill="#333">${escapeHtml(e.label)}</text></g>`
    );
  });
  return { svg: parts.join(""), height: entries.length ? 18 * (row + 1) + 6 : 0 };
}

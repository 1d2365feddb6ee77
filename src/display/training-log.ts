// Loss (and accuracy) per step as SVG, several runs overlaid with a legend, live-updated at a
// bounded rate while training.
import { Figure } from "./figure.js";
import { escapeHtml, fontFamily, niceTicks, palette, px, shortNumber } from "./html.js";
import { plotBundle } from "./image-embed.js";
import { jupyterDisplay, type Displayable, type MimeBundle } from "./mime-bundle.js";
import { LiveDisplay } from "./live-display.js";
import type { DisplayOptions } from "./output.js";

export interface TrainingPoint {
  step: number;
  loss: number;
  accuracy?: number;
}

/** Runs by name: a `TrainingLog`, a record or map of point lists, or one list (a single run). */
export type History = TrainingLog | Record<string, readonly TrainingPoint[]> | ReadonlyMap<string, readonly TrainingPoint[]> | readonly TrainingPoint[];

export interface LossCurveOptions {
  title?: string;
  /** Plot loss on a log scale (positive losses only). */
  logLoss?: boolean;
}

/** Points kept per run and series: the rest are merged, keeping each bucket's min and max. */
export const maxPlottedPoints = 600;

/** One run as columns, the form the charts read (NaN where a point has no accuracy). */
interface RunColumns {
  name: string;
  steps: number[];
  loss: number[];
  accuracy: number[];
  hasAccuracy: boolean;
}

function emptyRun(name: string): RunColumns {
  return { name, steps: [], loss: [], accuracy: [], hasAccuracy: false };
}

function pushPoint(run: RunColumns, p: TrainingPoint): void {
  run.steps.push(p.step);
  run.loss.push(p.loss);
  const acc = typeof p.accuracy === "number" ? p.accuracy : NaN;
  run.accuracy.push(acc);
  if (acc === acc) run.hasAccuracy = true;
}

function columnsOf(name: string, points: readonly TrainingPoint[]): RunColumns {
  const run = emptyRun(name);
  for (const p of points) pushPoint(run, p);
  return run;
}

function runsOf(history: History): RunColumns[] {
  if (history instanceof TrainingLog) return history.columns();
  if (Array.isArray(history)) return [columnsOf("run", history as readonly TrainingPoint[])];
  const entries = history instanceof Map ? [...(history as ReadonlyMap<string, readonly TrainingPoint[]>)] : Object.entries(history as Record<string, readonly TrainingPoint[]>);
  return entries.map(([name, pts]) => columnsOf(name, pts));
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

interface Series {
  name: string;
  color: string;
  /** Steps and values; non-finite values are not drawn. */
  xs: readonly number[];
  ys: readonly number[];
}

const panelW = 380;
const panelH = 250;
const margin = { left: 52, right: 12, top: 26, bottom: 34 };

function panel(x0: number, title: string, series: Series[], log: boolean): string {
  const plotW = panelW - margin.left - margin.right;
  const plotH = panelH - margin.top - margin.bottom;
  const frame = `<text x="${px(x0 + margin.left)}" y="16" font-size="13" font-weight="600" fill="#222">${escapeHtml(title)}</text>`;
  if (series.every((s) => !s.ys.some((y) => y - y === 0))) {
    return frame + `<text x="${px(x0 + panelW / 2)}" y="${px(panelH / 2)}" font-size="12" fill="#999" text-anchor="middle">no data yet</text>`;
  }
  const ty = (y: number) => (log ? Math.log10(y) : y);
  let [xMin, xMax, yMin, yMax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const s of series) {
    for (let i = 0; i < s.xs.length; i++) {
      const x = s.xs[i]!;
      const y = ty(s.ys[i]!);
      if (y - y !== 0) continue;
      if (x < xMin) xMin = x;
      if (x > xMax) xMax = x;
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
    }
  }
  if (xMin === xMax) [xMin, xMax] = [xMin - 1, xMax + 1];
  if (yMin === yMax) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
  const pad = (yMax - yMin) * 0.05;
  yMin -= pad;
  yMax += pad;
  const sx = (x: number) => x0 + margin.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const sy = (y: number) => margin.top + plotH - ((ty(y) - yMin) / (yMax - yMin)) * plotH;
  const parts: string[] = [frame];
  const yTicks = log ? niceTicks(Math.ceil(yMin), Math.floor(yMax), 4).filter(Number.isInteger).map((e) => 10 ** e) : niceTicks(yMin, yMax, 5);
  for (const t of yTicks) {
    const y = sy(t);
    if (y < margin.top - 0.5 || y > margin.top + plotH + 0.5) continue;
    parts.push(`<line x1="${px(x0 + margin.left)}" y1="${px(y)}" x2="${px(x0 + margin.left + plotW)}" y2="${px(y)}" stroke="#eee"/>`);
    parts.push(`<text x="${px(x0 + margin.left - 5)}" y="${px(y + 3.5)}" font-size="10" fill="#555" text-anchor="end">${escapeHtml(shortNumber(t))}</text>`);
  }
  for (const t of niceTicks(xMin, xMax, 5)) {
    const x = sx(t);
    parts.push(`<line x1="${px(x)}" y1="${margin.top + plotH}" x2="${px(x)}" y2="${margin.top + plotH + 4}" stroke="#444"/>`);
    parts.push(`<text x="${px(x)}" y="${margin.top + plotH + 15}" font-size="10" fill="#555" text-anchor="middle">${escapeHtml(shortNumber(t))}</text>`);
  }
  parts.push(`<rect x="${px(x0 + margin.left)}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`);
  parts.push(`<text x="${px(x0 + margin.left + plotW / 2)}" y="${panelH - 4}" font-size="11" fill="#444" text-anchor="middle">step</text>`);
  for (const s of series) {
    const kept = downsample(s.ys);
    if (kept.length === 0) continue;
    const coords = kept.map((i) => `${px(sx(s.xs[i]!))},${px(sy(s.ys[i]!))}`).join(" ");
    parts.push(
      kept.length === 1
        ? `<circle class="tsgrad-run" cx="${px(sx(s.xs[0]!))}" cy="${px(sy(s.ys[0]!))}" r="3" fill="${s.color}"/>`
        : `<polyline class="tsgrad-run" points="${coords}" fill="none" stroke="${s.color}" stroke-width="1.8" stroke-linejoin="round"/>`,
    );
  }
  return parts.join("");
}

/** The SVG of the loss (and accuracy, when logged) curves of every run. */
export function lossCurveSvg(history: History, opts: LossCurveOptions = {}): string {
  const runs = runsOf(history);
  const withAccuracy = runs.some((r) => r.hasAccuracy);
  const color = (i: number) => palette[i % palette.length]!;
  const positive = (ys: number[]) => ys.map((y) => (y > 0 ? y : NaN));
  const lossSeries: Series[] = runs.map((r, i) => ({ name: r.name, color: color(i), xs: r.steps, ys: opts.logLoss ? positive(r.loss) : r.loss }));
  const accuracySeries: Series[] = runs.map((r, i) => ({ name: r.name, color: color(i), xs: r.steps, ys: r.accuracy }));
  const width = withAccuracy ? 2 * panelW : panelW;
  const titleH = opts.title ? 22 : 0;
  // Legend entries flow left to right and wrap; text width estimated at 6.3 px per character (11 px font).
  const entries = runs.map((r, i) => {
    const n = r.steps.length;
    const acc = r.accuracy[n - 1]!;
    const label = `${r.name}${n ? `  loss ${shortNumber(r.loss[n - 1])}${acc === acc && n ? `  acc ${shortNumber(acc)}` : ""}` : ""}`;
    return { label, color: color(i), w: 24 + label.length * 6.3 + 18 };
  });
  let cx = 12;
  let row = 0;
  const placed = entries.map((e) => {
    if (cx > 12 && cx + e.w > width - 12) {
      cx = 12;
      row++;
    }
    const at = { ...e, x: cx, row };
    cx += e.w;
    return at;
  });
  const legendH = runs.length ? 18 * (row + 1) + 6 : 0;
  const height = panelH + legendH + titleH;
  const legend = placed
    .map((e) => {
      const y = titleH + panelH + 14 + e.row * 18;
      return `<g class="tsgrad-legend"><line x1="${px(e.x)}" y1="${y - 4}" x2="${px(e.x + 18)}" y2="${y - 4}" stroke="${e.color}" stroke-width="3"/><text x="${px(e.x + 24)}" y="${y}" font-size="11" fill="#333">${escapeHtml(e.label)}</text></g>`;
    })
    .join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="tsgrad-loss-curve" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeHtml(fontFamily)}">` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>` +
    (opts.title ? `<text x="12" y="16" font-size="14" font-weight="600" fill="#111">${escapeHtml(opts.title)}</text>` : "") +
    `<g transform="translate(0,${titleH})">` +
    panel(0, opts.logLoss ? "loss (log scale)" : "loss", lossSeries, opts.logLoss ?? false) +
    (withAccuracy ? panel(panelW, "accuracy", accuracySeries, false) : "") +
    `</g>` +
    legend +
    `</svg>`
  );
}

export function lossCurveText(history: History): string {
  const runs = runsOf(history);
  const width = Math.max(0, ...runs.map((r) => r.name.length));
  const lines = runs.map((r) => {
    const n = r.steps.length;
    if (!n) return `${r.name.padEnd(width)}  (no points)`;
    const best = r.loss.reduce((b, v) => (v < b ? v : b), Infinity);
    const acc = r.accuracy[n - 1]!;
    return `${r.name.padEnd(width)}  step ${r.steps[n - 1]}  loss ${shortNumber(r.loss[n - 1])}  best ${shortNumber(best)}${acc === acc ? `  accuracy ${shortNumber(acc)}` : ""}`;
  });
  return [`Training curves (${runs.length} run${runs.length === 1 ? "" : "s"})`, ...lines].join("\n");
}

/** With `raster` (the default) the bundle also has an image/png, for front ends that show no untrusted SVG. */
export function lossCurveBundle(history: History, opts: LossCurveOptions = {}, raster = true): MimeBundle {
  return plotBundle(lossCurveText(history), lossCurveSvg(history, opts), raster);
}

/** `lossCurve(history)`: loss and accuracy per step of every run, as of this call. */
export function lossCurve(history: History, opts: LossCurveOptions = {}): Figure {
  const bundle = lossCurveBundle(history, opts);
  return new Figure(() => bundle);
}

/** Losses of one or more runs as training goes; displays itself as their curves. */
export class TrainingLog implements Displayable {
  // Kept as columns so a live chart of a long run redraws without rebuilding them.
  private readonly byName = new Map<string, RunColumns>();
  private live: LiveDisplay | null = null;

  constructor(readonly options: LossCurveOptions = {}) {}

  /** Record one point of `run`; a shown log updates in place (at most ~10 times a second). */
  log(run: string, point: TrainingPoint): this {
    let columns = this.byName.get(run);
    if (!columns) this.byName.set(run, (columns = emptyRun(run)));
    pushPoint(columns, point);
    this.live?.update();
    return this;
  }

  /**
   * Show the curves now and keep them current as points are logged; when the cell ends, the final
   * curves stay as a display of their own (see ./live-display.ts). Returns the live display.
   */
  show(opts: DisplayOptions = {}): LiveDisplay {
    // Live frames skip the PNG (rasterising takes a few hundred ms); the final display has it.
    this.live = new LiveDisplay((final) => lossCurveBundle(this, this.options, final), opts);
    return this.live;
  }

  /** Send the latest curves now (the kernel also flushes when the cell ends). */
  flush(): void {
    this.live?.flush();
  }

  /** Names of the runs logged so far. */
  get runNames(): string[] {
    return [...this.byName.keys()];
  }

  /** The points of one run (a copy). */
  points(run: string): TrainingPoint[] {
    const c = this.byName.get(run);
    if (!c) return [];
    return c.steps.map((step, i) => {
      const acc = c.accuracy[i]!;
      return acc === acc ? { step, loss: c.loss[i]!, accuracy: acc } : { step, loss: c.loss[i]! };
    });
  }

  /** @internal The runs as columns, for the charts. */
  columns(): RunColumns[] {
    return [...this.byName.values()];
  }

  /** Runs as a plain record of point lists. */
  toJSON(): Record<string, TrainingPoint[]> {
    return Object.fromEntries(this.runNames.map((name) => [name, this.points(name)]));
  }

  [jupyterDisplay](): MimeBundle {
    return lossCurveBundle(this, this.options);
  }
}

// Loss (and accuracy) per step as SVG, several runs overlaid with a legend, live-updated at a
// bounded rate while training.
import { Figure } from "./figure.js";
import { escapeHtml, fontFamily, niceTicks, palette, px, shortNumber } from "./html.js";
import { jupyterDisplay, type Displayable, type MimeBundle } from "./mime-bundle.js";
import { showDisplay, type DisplayHandle, type DisplayOptions } from "./output.js";

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

function runsOf(history: History): [string, readonly TrainingPoint[]][] {
  if (history instanceof TrainingLog) return [...history.runs];
  if (Array.isArray(history)) return [["run", history as readonly TrainingPoint[]]];
  if (history instanceof Map) return [...(history as ReadonlyMap<string, readonly TrainingPoint[]>)];
  return Object.entries(history as Record<string, readonly TrainingPoint[]>);
}

/** Long series drawn with at most ~`maxPlottedPoints` points, spikes kept (min and max per bucket). */
export function downsample(points: readonly [number, number][], max = maxPlottedPoints): [number, number][] {
  if (points.length <= max) return [...points];
  const buckets = Math.floor(max / 2);
  const size = points.length / buckets;
  const out: [number, number][] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(points.length, Math.floor((b + 1) * size));
    let lo = start;
    let hi = start;
    for (let i = start; i < end; i++) {
      if (points[i]![1] < points[lo]![1]) lo = i;
      if (points[i]![1] > points[hi]![1]) hi = i;
    }
    for (const i of lo <= hi ? [lo, hi] : [hi, lo]) if (out[out.length - 1] !== points[i]) out.push(points[i]!);
  }
  const last = points[points.length - 1]!;
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}

interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

const panelW = 380;
const panelH = 250;
const margin = { left: 52, right: 12, top: 26, bottom: 34 };

function panel(x0: number, title: string, series: Series[], log: boolean): string {
  const plotW = panelW - margin.left - margin.right;
  const plotH = panelH - margin.top - margin.bottom;
  const all = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y) && (!log || y > 0));
  const frame = `<text x="${px(x0 + margin.left)}" y="16" font-size="13" font-weight="600" fill="#222">${escapeHtml(title)}</text>`;
  if (all.length === 0) {
    return frame + `<text x="${px(x0 + panelW / 2)}" y="${px(panelH / 2)}" font-size="12" fill="#999" text-anchor="middle">no data yet</text>`;
  }
  let xMin = Math.min(...all.map((p) => p[0]));
  let xMax = Math.max(...all.map((p) => p[0]));
  const ty = (y: number) => (log ? Math.log10(y) : y);
  let yMin = Math.min(...all.map((p) => ty(p[1])));
  let yMax = Math.max(...all.map((p) => ty(p[1])));
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
    const pts = downsample(s.points.filter(([, y]) => Number.isFinite(y) && (!log || y > 0)));
    if (pts.length === 0) continue;
    const coords = pts.map(([x, y]) => `${px(sx(x))},${px(sy(y))}`).join(" ");
    parts.push(
      pts.length === 1
        ? `<circle class="tsgrad-run" cx="${px(sx(pts[0]![0]))}" cy="${px(sy(pts[0]![1]))}" r="3" fill="${s.color}"/>`
        : `<polyline class="tsgrad-run" points="${coords}" fill="none" stroke="${s.color}" stroke-width="1.8" stroke-linejoin="round"/>`,
    );
  }
  return parts.join("");
}

/** The SVG of the loss (and accuracy, when logged) curves of every run. */
export function lossCurveSvg(history: History, opts: LossCurveOptions = {}): string {
  const runs = runsOf(history);
  const withAccuracy = runs.some(([, pts]) => pts.some((p) => typeof p.accuracy === "number"));
  const series = (pick: (p: TrainingPoint) => number | undefined): Series[] =>
    runs.map(([name, pts], i) => ({
      name,
      color: palette[i % palette.length]!,
      points: pts.flatMap((p): [number, number][] => {
        const v = pick(p);
        return typeof v === "number" ? [[p.step, v]] : [];
      }),
    }));
  const width = withAccuracy ? 2 * panelW : panelW;
  const titleH = opts.title ? 22 : 0;
  // Legend entries flow left to right and wrap; text width estimated at 6.3 px per character (11 px font).
  const entries = runs.map(([name, pts], i) => {
    const last = pts[pts.length - 1];
    const label = `${name}${last ? `  loss ${shortNumber(last.loss)}${typeof last.accuracy === "number" ? `  acc ${shortNumber(last.accuracy)}` : ""}` : ""}`;
    return { label, color: palette[i % palette.length]!, w: 24 + label.length * 6.3 + 18 };
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
    panel(0, opts.logLoss ? "loss (log scale)" : "loss", series((p) => p.loss), opts.logLoss ?? false) +
    (withAccuracy ? panel(panelW, "accuracy", series((p) => p.accuracy), false) : "") +
    `</g>` +
    legend +
    `</svg>`
  );
}

export function lossCurveText(history: History): string {
  const runs = runsOf(history);
  const width = Math.max(0, ...runs.map(([n]) => n.length));
  const lines = runs.map(([name, pts]) => {
    const last = pts[pts.length - 1];
    if (!last) return `${name.padEnd(width)}  (no points)`;
    const best = Math.min(...pts.map((p) => p.loss).filter(Number.isFinite));
    return `${name.padEnd(width)}  step ${last.step}  loss ${shortNumber(last.loss)}  best ${shortNumber(best)}${typeof last.accuracy === "number" ? `  accuracy ${shortNumber(last.accuracy)}` : ""}`;
  });
  return [`Training curves (${runs.length} run${runs.length === 1 ? "" : "s"})`, ...lines].join("\n");
}

export function lossCurveBundle(history: History, opts: LossCurveOptions = {}): MimeBundle {
  return { "text/plain": lossCurveText(history), "image/svg+xml": lossCurveSvg(history, opts) };
}

/** `lossCurve(history)`: loss and accuracy per step of every run, as of this call. */
export function lossCurve(history: History, opts: LossCurveOptions = {}): Figure {
  const bundle = lossCurveBundle(history, opts);
  return new Figure(() => bundle);
}

/** Losses of one or more runs as training goes; displays itself as their curves. */
export class TrainingLog implements Displayable {
  readonly runs = new Map<string, TrainingPoint[]>();
  private handle: DisplayHandle | null = null;

  constructor(readonly options: LossCurveOptions = {}) {}

  /** Record one point of `run`; a shown log updates in place (at most ~10 times a second). */
  log(run: string, point: TrainingPoint): this {
    let points = this.runs.get(run);
    if (!points) this.runs.set(run, (points = []));
    points.push({ ...point });
    this.handle?.update(this.live);
    return this;
  }

  /** Show the curves now and keep them current as points are logged. */
  show(opts: DisplayOptions = {}): DisplayHandle {
    this.handle = showDisplay(this.live, opts);
    return this.handle;
  }

  /** Send the latest curves now (the kernel also flushes when the cell ends). */
  flush(): void {
    this.handle?.flush();
  }

  /** Runs as a plain record of point lists. */
  toJSON(): Record<string, TrainingPoint[]> {
    return Object.fromEntries(this.runs);
  }

  // Rendered when sent, so a logged point that the throttle skips costs no drawing.
  private readonly live = new Figure(() => lossCurveBundle(this, this.options));

  [jupyterDisplay](): MimeBundle {
    return lossCurveBundle(this, this.options);
  }
}

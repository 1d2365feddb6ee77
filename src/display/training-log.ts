// Loss (and accuracy) per step as SVG, several runs overlaid with a legend, live-updated at a
// bounded rate while training.
import { Figure } from "./figure.js";
import { escapeHtml, fontFamily, shortNumber } from "./html.js";
import { legendSvg, linePanel, lineStyle, panelH, panelW, type LineSeries } from "./line-panel.js";
import { jupyterDisplay, type Displayable, type MimeBundle } from "./mime-bundle.js";
import { showDisplay, type DisplayHandle, type DisplayOptions } from "./output.js";

export { downsample, maxPlottedPoints } from "./line-panel.js";

export interface TrainingPoint {
  step: number;
  loss: number;
  accuracy?: number;
  /** Other x coordinates of this point by name (e.g. `{ "samples seen": 2560 }`), for `lossCurve(log, { x })`. */
  x?: Readonly<Record<string, number>>;
}

/** Runs by name: a `TrainingLog`, a record or map of point lists, or one list (a single run). */
export type History = TrainingLog | Record<string, readonly TrainingPoint[]> | ReadonlyMap<string, readonly TrainingPoint[]> | readonly TrainingPoint[];

export interface LossCurveOptions {
  title?: string;
  /** Plot loss on a log scale (positive losses only). */
  logLoss?: boolean;
  /** What `step` counts, written under the x axis ("step" by default; e.g. "epoch", "optimizer step"). */
  xLabel?: string;
  /** Plot against one of the points' other coordinates (a key of `TrainingPoint.x`) instead of `step`. */
  x?: string;
}

/** One run as columns, the form the charts read (NaN where a point has no accuracy or coordinate). */
interface RunColumns {
  name: string;
  steps: number[];
  loss: number[];
  accuracy: number[];
  hasAccuracy: boolean;
  /** The points' other x coordinates by name, NaN where a point has none. */
  other: Map<string, number[]>;
}

function emptyRun(name: string): RunColumns {
  return { name, steps: [], loss: [], accuracy: [], hasAccuracy: false, other: new Map() };
}

function pushPoint(run: RunColumns, p: TrainingPoint): void {
  const n = run.steps.length;
  run.steps.push(p.step);
  run.loss.push(p.loss);
  const acc = typeof p.accuracy === "number" ? p.accuracy : NaN;
  run.accuracy.push(acc);
  if (acc === acc) run.hasAccuracy = true;
  for (const name of Object.keys(p.x ?? {})) {
    if (!run.other.has(name)) run.other.set(name, new Array<number>(n).fill(NaN));
  }
  for (const [name, column] of run.other) column.push(typeof p.x?.[name] === "number" ? p.x[name]! : NaN);
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

/** The x coordinates of a run for `opts.x` (its steps by default; NaN where a point lacks that coordinate). */
function xsOf(run: RunColumns, opts: LossCurveOptions): readonly number[] {
  if (opts.x === undefined) return run.steps;
  return run.other.get(opts.x) ?? run.steps.map(() => NaN);
}

/** The SVG of the loss (and accuracy, when logged) curves of every run. */
export function lossCurveSvg(history: History, opts: LossCurveOptions = {}): string {
  const runs = runsOf(history);
  const withAccuracy = runs.some((r) => r.hasAccuracy);
  const lossSeries: LineSeries[] = runs.map((r, i) => ({ name: r.name, ...lineStyle(i), xs: xsOf(r, opts), ys: r.loss }));
  const accuracySeries: LineSeries[] = runs.map((r, i) => ({ name: r.name, ...lineStyle(i), xs: xsOf(r, opts), ys: r.accuracy }));
  const width = withAccuracy ? 2 * panelW : panelW;
  const titleH = opts.title ? 22 : 0;
  const xLabel = opts.x ?? opts.xLabel ?? "step";
  const entries = runs.map((r, i) => {
    const n = r.steps.length;
    const acc = r.accuracy[n - 1]!;
    const label = `${r.name}${n ? `  loss ${shortNumber(r.loss[n - 1])}${acc === acc && n ? `  acc ${shortNumber(acc)}` : ""}` : ""}`;
    return { label, ...lineStyle(i) };
  });
  const legend = legendSvg(entries, width, titleH + panelH);
  const height = panelH + legend.height + titleH;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="tsgrad-loss-curve" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeHtml(fontFamily)}">` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>` +
    (opts.title ? `<text x="12" y="16" font-size="14" font-weight="600" fill="#111">${escapeHtml(opts.title)}</text>` : "") +
    `<g transform="translate(0,${titleH})">` +
    linePanel(0, { title: opts.logLoss ? "loss (log scale)" : "loss", xLabel, logY: opts.logLoss ?? false }, lossSeries) +
    (withAccuracy ? linePanel(panelW, { title: "accuracy", xLabel }, accuracySeries) : "") +
    `</g>` +
    legend.svg +
    `</svg>`
  );
}

export function lossCurveText(history: History, opts: LossCurveOptions = {}): string {
  const runs = runsOf(history);
  const xLabel = opts.x ?? opts.xLabel ?? "step";
  const width = Math.max(0, ...runs.map((r) => r.name.length));
  const lines = runs.map((r) => {
    const n = r.steps.length;
    if (!n) return `${r.name.padEnd(width)}  (no points)`;
    const best = r.loss.reduce((b, v) => (v < b ? v : b), Infinity);
    const acc = r.accuracy[n - 1]!;
    const x = xsOf(r, opts)[n - 1];
    return `${r.name.padEnd(width)}  ${xLabel} ${x}  loss ${shortNumber(r.loss[n - 1])}  best ${shortNumber(best)}${acc === acc ? `  accuracy ${shortNumber(acc)}` : ""}`;
  });
  return [`Training curves (${runs.length} run${runs.length === 1 ? "" : "s"})`, ...lines].join("\n");
}

export function lossCurveBundle(history: History, opts: LossCurveOptions = {}): MimeBundle {
  return { "text/plain": lossCurveText(history, opts), "image/svg+xml": lossCurveSvg(history, opts) };
}

/**
 * `lossCurve(history, { xLabel, x })`: loss and accuracy of every run as of this call, against
 * `step` (named by `xLabel`) or against another coordinate the points carry (`x`, e.g. "samples seen").
 */
export function lossCurve(history: History, opts: LossCurveOptions = {}): Figure {
  const bundle = lossCurveBundle(history, opts);
  return new Figure(() => bundle);
}

/** Losses of one or more runs as training goes; displays itself as their curves. */
export class TrainingLog implements Displayable {
  // Kept as columns so a live chart of a long run redraws without rebuilding them.
  private readonly byName = new Map<string, RunColumns>();
  private handle: DisplayHandle | null = null;

  constructor(readonly options: LossCurveOptions = {}) {}

  /** Record one point of `run`; a shown log updates in place (at most ~10 times a second). */
  log(run: string, point: TrainingPoint): this {
    let columns = this.byName.get(run);
    if (!columns) this.byName.set(run, (columns = emptyRun(run)));
    pushPoint(columns, point);
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
      const point: TrainingPoint = acc === acc ? { step, loss: c.loss[i]!, accuracy: acc } : { step, loss: c.loss[i]! };
      const x = [...c.other].filter(([, column]) => column[i] === column[i]).map(([name, column]) => [name, column[i]!]);
      return x.length ? { ...point, x: Object.fromEntries(x) } : point;
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

  // Rendered when sent, so a logged point that the throttle skips costs no drawing.
  private readonly live = new Figure(() => lossCurveBundle(this, this.options));

  [jupyterDisplay](): MimeBundle {
    return lossCurveBundle(this, this.options);
  }
}

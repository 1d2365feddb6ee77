// Any y against any x, several named series in one panel: a sweep (accuracy against learning rate),
// a quantity inside one window (gradient norm after each micro-batch), with labelled vertical marks.
import { Figure } from "./figure.js";
import { escapeHtml, fontFamily, shortNumber } from "./html.js";
import { legendSvg, linePanel, lineStyle, panelH, panelW, type AxisMark } from "./line-panel.js";
import type { MimeBundle } from "./mime-bundle.js";

/** Series by name, each a list of [x, y] points. */
export type LineData = Readonly<Record<string, readonly (readonly [number, number])[]>>;

export interface LineChartOptions {
  title?: string;
  /** What the x axis counts (required in spirit: a chart should say it; "x" by default). */
  xLabel?: string;
  /** What the y axis counts, written as the panel's heading ("y" by default). */
  yLabel?: string;
  logX?: boolean;
  logY?: boolean;
  /** Labelled vertical lines, e.g. `[{ x: 0.8, label: "linear rule" }]`. */
  marks?: readonly AxisMark[];
}

function chartText(data: LineData, opts: LineChartOptions): string {
  const names = Object.keys(data);
  const width = Math.max(0, ...names.map((n) => n.length));
  const lines = names.map((name) => `${name.padEnd(width)}  ${data[name]!.map(([x, y]) => `${shortNumber(x)}: ${shortNumber(y)}`).join(", ")}`);
  const marks = (opts.marks ?? []).map((m) => `mark at ${opts.xLabel ?? "x"} = ${shortNumber(m.x)}: ${m.label}`);
  return [`${opts.title ?? "Line chart"} (${opts.yLabel ?? "y"} against ${opts.xLabel ?? "x"})`, ...lines, ...marks].join("\n");
}

function chartSvg(data: LineData, opts: LineChartOptions): string {
  const names = Object.keys(data);
  const series = names.map((name, i) => ({ name, ...lineStyle(i), xs: data[name]!.map((p) => p[0]), ys: data[name]!.map((p) => p[1]) }));
  const titleH = opts.title ? 22 : 0;
  const legend = legendSvg(names.map((label, i) => ({ label, ...lineStyle(i) })), panelW, titleH + panelH);
  const height = titleH + panelH + legend.height;
  const axes = { title: opts.yLabel ?? "y", xLabel: opts.xLabel ?? "x", logX: opts.logX ?? false, logY: opts.logY ?? false, marks: opts.marks ?? [] };
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="tsgrad-line-chart" width="${panelW}" height="${height}" viewBox="0 0 ${panelW} ${height}" font-family="${escapeHtml(fontFamily)}">` +
    `<rect x="0" y="0" width="${panelW}" height="${height}" fill="#ffffff"/>` +
    (opts.title ? `<text x="12" y="16" font-size="14" font-weight="600" fill="#111">${escapeHtml(opts.title)}</text>` : "") +
    `<g transform="translate(0,${titleH})">${linePanel(0, axes, series)}</g>` +
    legend.svg +
    `</svg>`
  );
}

export function lineChartBundle(data: LineData, opts: LineChartOptions = {}): MimeBundle {
  return { "text/plain": chartText(data, opts), "image/svg+xml": chartSvg(data, opts) };
}

/** `lineChart({ name: [[x, y], …] }, { xLabel, yLabel, logX, marks })`: named series as lines, as of this call. */
export function lineChart(data: LineData, opts: LineChartOptions = {}): Figure {
  const copy = Object.fromEntries(Object.entries(data).map(([name, pts]) => [name, pts.map(([x, y]) => [x, y] as const)]));
  const bundle = lineChartBundle(copy, opts);
  return new Figure(() => bundle);
}

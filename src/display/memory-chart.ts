// A small bar chart of the peak saved (activation) bytes of several runs.
import { Figure } from "./figure.js";
import { escapeHtml, fontFamily, formatBytes, palette, px } from "./html.js";
import { plotBundle } from "./image-embed.js";
import type { MimeBundle } from "./mime-bundle.js";

export interface MemoryRun {
  label: string;
  peakSavedBytes: number;
}

export function memoryChartSvg(runs: readonly MemoryRun[], title = "Peak saved activation memory"): string {
  const labelW = Math.min(200, 14 + 7 * Math.max(4, ...runs.map((r) => r.label.length)));
  const barMax = 300;
  const valueW = 140;
  const rowH = 26;
  const top = 28;
  const width = labelW + barMax + valueW;
  const height = top + rowH * Math.max(1, runs.length) + 8;
  const max = Math.max(0, ...runs.map((r) => r.peakSavedBytes));
  const min = Math.min(...runs.map((r) => r.peakSavedBytes).filter((b) => b > 0));
  const rows = runs.map((r, i) => {
    const y = top + i * rowH;
    const w = max > 0 ? Math.max(r.peakSavedBytes > 0 ? 1 : 0, (r.peakSavedBytes / max) * barMax) : 0;
    const ratio = Number.isFinite(min) && runs.length > 1 && r.peakSavedBytes > 0 ? `  (${(r.peakSavedBytes / min).toFixed(2)}×)` : "";
    return (
      `<g class="tsgrad-memory-run">` +
      `<text x="${labelW - 8}" y="${y + 16}" font-size="12" fill="#333" text-anchor="end">${escapeHtml(r.label)}</text>` +
      `<rect x="${labelW}" y="${y + 4}" width="${px(w)}" height="${rowH - 8}" fill="${palette[i % palette.length]}"/>` +
      `<text x="${px(labelW + w + 6)}" y="${y + 16}" font-size="11" fill="#444">${escapeHtml(formatBytes(r.peakSavedBytes) + ratio)}</text></g>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="tsgrad-memory-chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeHtml(fontFamily)}">` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>` +
    `<text x="8" y="17" font-size="13" font-weight="600" fill="#222">${escapeHtml(title)}</text>` +
    (runs.length ? rows.join("") : `<text x="${labelW}" y="${top + 16}" font-size="12" fill="#999">no runs</text>`) +
    `</svg>`
  );
}

export function memoryChartBundle(runs: readonly MemoryRun[], title?: string): MimeBundle {
  const width = Math.max(0, ...runs.map((r) => r.label.length));
  const max = Math.max(0, ...runs.map((r) => r.peakSavedBytes));
  const text = runs.map((r) => `${r.label.padEnd(width)}  ${formatBytes(r.peakSavedBytes).padStart(10)}  ${"█".repeat(max > 0 ? Math.round((r.peakSavedBytes / max) * 30) : 0)}`);
  return plotBundle([title ?? "Peak saved activation memory", ...text].join("\n"), memoryChartSvg(runs, title));
}

/** `memoryChart([{ label, peakSavedBytes }, …])`: peak saved bytes of each run as bars. */
export function memoryChart(runs: readonly MemoryRun[], opts: { title?: string } = {}): Figure {
  const bundle = memoryChartBundle(runs.map((r) => ({ ...r })), opts.title);
  return new Figure(() => bundle);
}

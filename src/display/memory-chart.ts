// A small bar chart of several runs' memory: peak saved (activation) bytes, or stacked by kind when
// a run gives a breakdown (parameters, gradients, optimizer state, peak saved activations).
import { Figure } from "./figure.js";
import { escapeHtml, fontFamily, formatBytes, palette, px } from "./html.js";
import type { MimeBundle } from "./mime-bundle.js";
import type { MemoryBreakdownLike } from "./structural.js";

/** One bar: a run's peak saved bytes, or its breakdown (`memory.breakdown(model, optimizer)`). */
export type MemoryRun = { label: string; peakSavedBytes: number } | { label: string; breakdown: MemoryBreakdownLike };

/** The stacked segments, bottom-up: what accumulation leaves alone first, what it shrinks last. */
const parts = [
  { key: "parameters", name: "parameters", color: palette[0]! },
  { key: "gradients", name: "gradients", color: palette[1]! },
  { key: "optimizerState", name: "optimizer state", color: palette[6]! },
  { key: "peakSavedActivations", name: "saved activations", color: palette[4]! },
] as const;

interface Bar {
  label: string;
  segments: number[];
  total: number;
}

function barsOf(runs: readonly MemoryRun[]): { bars: Bar[]; stacked: boolean } {
  const stacked = runs.some((r) => "breakdown" in r);
  const bars = runs.map((r, i) => {
    if (typeof r?.label !== "string") throw new TypeError(`memoryChart: runs[${i}].label should be a string`);
    const segments = "breakdown" in r ? parts.map((p) => r.breakdown?.[p.key]) : [0, 0, 0, r.peakSavedBytes];
    segments.forEach((bytes, k) => {
      if (typeof bytes !== "number" || !(bytes >= 0) || !Number.isFinite(bytes)) {
        const field = "breakdown" in r ? `breakdown.${parts[k]!.key}` : "peakSavedBytes";
        throw new TypeError(`memoryChart: runs[${i}].${field} should be a number of bytes ≥ 0, got ${String(bytes)}`);
      }
    });
    return { label: r.label, segments: segments as number[], total: (segments as number[]).reduce((s, b) => s + b, 0) };
  });
  return { bars, stacked };
}

function svgOf(bars: readonly Bar[], stacked: boolean, title: string): string {
  const labelW = Math.min(200, 14 + 7 * Math.max(4, ...bars.map((r) => r.label.length)));
  const barMax = 300;
  const valueW = 140;
  const rowH = 26;
  const top = stacked ? 46 : 28;
  const width = labelW + barMax + valueW;
  const height = top + rowH * Math.max(1, bars.length) + 8;
  const max = Math.max(0, ...bars.map((r) => r.total));
  const min = Math.min(...bars.map((r) => r.total).filter((b) => b > 0));
  const rows = bars.map((r, i) => {
    const y = top + i * rowH;
    const w = max > 0 ? Math.max(r.total > 0 ? 1 : 0, (r.total / max) * barMax) : 0;
    const ratio = Number.isFinite(min) && bars.length > 1 && r.total > 0 ? `  (${(r.total / min).toFixed(2)}×)` : "";
    let x = labelW;
    const rects = stacked
      ? r.segments.map((bytes, k) => {
          const sw = max > 0 ? (bytes / max) * barMax : 0;
          const rect = sw > 0 ? `<rect class="tsgrad-memory-${parts[k]!.key}" x="${px(x)}" y="${y + 4}" width="${px(sw)}" height="${rowH - 8}" fill="${parts[k]!.color}"><title>${escapeHtml(`${parts[k]!.name}: ${formatBytes(bytes)}`)}</title></rect>` : "";
          x += sw;
          return rect;
        }).join("")
      : `<rect x="${labelW}" y="${y + 4}" width="${px(w)}" height="${rowH - 8}" fill="${palette[i % palette.length]}"/>`;
    return (
      `<g class="tsgrad-memory-run">` +
      `<text x="${labelW - 8}" y="${y + 16}" font-size="12" fill="#333" text-anchor="end">${escapeHtml(r.label)}</text>` +
      rects +
      `<text x="${px(labelW + w + 6)}" y="${y + 16}" font-size="11" fill="#444">${escapeHtml(formatBytes(r.total) + ratio)}</text></g>`
    );
  });
  let legendX = 8;
  const legend = stacked
    ? parts.map((p) => {
        const item = `<rect x="${legendX}" y="27" width="10" height="10" fill="${p.color}"/><text x="${legendX + 14}" y="36" font-size="11" fill="#444">${escapeHtml(p.name)}</text>`;
        legendX += 28 + 6.5 * p.name.length;
        return item;
      }).join("")
    : "";
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="tsgrad-memory-chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeHtml(fontFamily)}">` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>` +
    `<text x="8" y="17" font-size="13" font-weight="600" fill="#222">${escapeHtml(title)}</text>` +
    legend +
    (bars.length ? rows.join("") : `<text x="${labelW}" y="${top + 16}" font-size="12" fill="#999">no runs</text>`) +
    `</svg>`
  );
}

export function memoryChartBundle(runs: readonly MemoryRun[], title?: string): MimeBundle {
  const { bars, stacked } = barsOf(runs);
  const heading = title ?? (stacked ? "Memory of a training step" : "Peak saved activation memory");
  const width = Math.max(0, ...bars.map((r) => r.label.length));
  const max = Math.max(0, ...bars.map((r) => r.total));
  const text = bars.map((r) => {
    const line = `${r.label.padEnd(width)}  ${formatBytes(r.total).padStart(10)}  ${"█".repeat(max > 0 ? Math.round((r.total / max) * 30) : 0)}`;
    return stacked ? `${line}\n${" ".repeat(width)}  ${r.segments.map((b, k) => `${parts[k]!.name} ${formatBytes(b)}`).join(" · ")}` : line;
  });
  return { "text/plain": [heading, ...text].join("\n"), "image/svg+xml": svgOf(bars, stacked, heading) };
}

/**
 * `memoryChart([{ label, peakSavedBytes }, …])`: peak saved bytes of each run as bars;
 * `memoryChart([{ label, breakdown: memory.breakdown(model, optimizer) }, …])`: stacked by kind.
 */
export function memoryChart(runs: readonly MemoryRun[], opts: { title?: string } = {}): Figure {
  const bundle = memoryChartBundle(runs, opts.title);
  return new Figure(() => bundle);
}

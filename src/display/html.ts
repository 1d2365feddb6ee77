// Small helpers shared by the renderers: escaping, number formatting, colours, nice axis ticks.

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escape text for HTML and XML (element content and quoted attribute values). */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => escapes[c]!);
}

/** A number in a short human form: 4 significant digits, exponent when very small or large. */
export function shortNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

/** Bytes with a binary unit: 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** Seconds as m:ss or h:mm:ss, like tqdm. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

/** Run colours (Tableau 10), readable on white. */
export const palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

/** Diverging heat-map colour for `value` in [-scale, scale]: blue below zero, white at zero, red above. */
export function heatColor(value: number, scale: number): string {
  if (!Number.isFinite(value) || scale <= 0) return "#ffffff";
  const t = Math.max(-1, Math.min(1, value / scale));
  // Keep the strongest colour light enough that dark text stays readable on it.
  const k = Math.abs(t) * 0.75;
  const [r, g, b] = t >= 0 ? [214, 39, 40] : [31, 119, 180];
  const mix = (c: number) => Math.round(255 + (c - 255) * k);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

/** About `count` round tick values covering [lo, hi] (the 1-2-5 rule). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return ticks;
}

/** A number rounded for SVG coordinates (keeps the markup short). */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Font settings shared by every SVG and HTML widget. */
export const fontFamily = "-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
export const monoFamily = "ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace";

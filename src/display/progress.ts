// A progress bar over any iterable (a DataLoader), with rate and ETA, updated in place at a
// bounded rate so a 10,000-step loop sends a few dozen updates, not 10,000.
import type { Clock } from "./clock.js";
import { Figure } from "./figure.js";
import { escapeHtml, fontFamily, formatDuration } from "./html.js";
import type { MimeBundle } from "./mime-bundle.js";
import { pageText } from "./theme.js";
import { LiveDisplay } from "./live-display.js";
import { displayClock, type DisplayOptions } from "./output.js";

export interface ProgressOptions extends DisplayOptions {
  /** Number of items; taken from the iterable's `length` or `size` when omitted. */
  total?: number;
  label?: string;
}

export interface ProgressState {
  label: string;
  count: number;
  total: number | null;
  /** Seconds since iteration started. */
  elapsed: number;
  done: boolean;
}

function rateOf(s: ProgressState): number {
  return s.elapsed > 0 ? s.count / s.elapsed : 0;
}

export function progressText(s: ProgressState): string {
  const rate = rateOf(s);
  const rateText = rate > 0 ? `${rate >= 100 ? rate.toFixed(0) : rate.toFixed(2)} it/s` : "? it/s";
  const prefix = s.label ? `${s.label}: ` : "";
  if (s.total === null) return `${prefix}${s.count} it [${formatDuration(s.elapsed)}, ${rateText}]`;
  const frac = s.total > 0 ? Math.min(1, s.count / s.total) : 1;
  const cells = 20;
  const filled = Math.round(frac * cells);
  const eta = rate > 0 ? (s.total - s.count) / rate : NaN;
  return `${prefix}${String(Math.floor(frac * 100)).padStart(3)}%|${"█".repeat(filled)}${" ".repeat(cells - filled)}| ${s.count}/${s.total} [${formatDuration(s.elapsed)}<${s.done ? "00:00" : formatDuration(eta)}, ${rateText}]`;
}

export function progressBundle(s: ProgressState): MimeBundle {
  const rate = rateOf(s);
  const frac = s.total === null ? null : s.total > 0 ? Math.min(1, s.count / s.total) : 1;
  const eta = s.total !== null && rate > 0 ? (s.total - s.count) / rate : NaN;
  const color = s.done ? "#59a14f" : "#4e79a7";
  const fill =
    frac === null
      ? `<div class="tsgrad-progress-fill" style="height:100%;width:100%;background:repeating-linear-gradient(45deg,#c6d6ea,#c6d6ea 6px,#dde7f3 6px,#dde7f3 12px)"></div>`
      : `<div class="tsgrad-progress-fill" style="height:100%;width:${(frac * 100).toFixed(1)}%;background:${color}"></div>`;
  const stats = [
    frac === null ? `${s.count} it` : `${s.count}/${s.total}`,
    rate > 0 ? `${rate >= 100 ? rate.toFixed(0) : rate.toFixed(2)} it/s` : "",
    `${formatDuration(s.elapsed)} elapsed`,
    s.done ? "done" : Number.isFinite(eta) ? `ETA ${formatDuration(eta)}` : "",
  ].filter(Boolean);
  const html =
    `<div class="tsgrad-progress" style="font-family:${fontFamily};font-size:12px;display:flex;align-items:center;gap:8px">` +
    (s.label ? `<span style="${pageText("text")};font-weight:600">${escapeHtml(s.label)}</span>` : "") +
    (frac === null ? "" : `<span style="${pageText("text")};min-width:34px;text-align:right">${Math.floor(frac * 100)}%</span>`) +
    `<div class="tsgrad-progress-bar" style="width:280px;height:12px;background:#c8c8c8;border-radius:3px;overflow:hidden">${fill}</div>` +
    `<span style="${pageText()}">${escapeHtml(stats.join(" · "))}</span></div>`;
  return { "text/plain": progressText(s), "text/html": html };
}

function totalOf(source: unknown, given: number | undefined): number | null {
  if (given !== undefined) return given;
  const s = source as { length?: unknown; size?: unknown };
  if (typeof s.length === "number") return s.length;
  if (typeof s.size === "number") return s.size;
  return null;
}

/** Iterates `source` like a plain loop while showing a live progress bar. */
export class Progress<T> implements Iterable<T>, AsyncIterable<T> {
  count = 0;
  readonly total: number | null;
  readonly label: string;
  private start: number | null = null;
  private done = false;
  private live: LiveDisplay | null = null;
  private readonly clock: Clock;

  constructor(private readonly source: Iterable<T> | AsyncIterable<T>, private readonly opts: ProgressOptions = {}) {
    this.total = totalOf(source, opts.total);
    this.label = opts.label ?? "";
    this.clock = opts.clock ?? displayClock();
  }

  state(): ProgressState {
    const elapsed = this.start === null ? 0 : (this.clock.now() - this.start) / 1000;
    return { label: this.label, count: this.count, total: this.total, elapsed, done: this.done };
  }

  private begin(): void {
    this.count = 0;
    this.done = false;
    this.start = this.clock.now();
    // Rendered when sent: a tick the throttle skips costs one clock read. When the cell ends, the
    // final bar stays as a display of its own (see ./live-display.ts).
    this.live = new LiveDisplay(() => progressBundle(this.state()), { ...this.opts, clock: this.clock });
  }

  private tick(): void {
    this.count++;
    this.live!.update();
  }

  private end(): void {
    this.done = this.total === null || this.count >= this.total;
    this.live!.update();
    this.live!.flush();
  }

  *[Symbol.iterator](): Iterator<T> {
    const source = this.source as Iterable<T>;
    if (typeof source[Symbol.iterator] !== "function") throw new TypeError("progress: the source is only async-iterable; use `for await`");
    this.begin();
    try {
      for (const item of source) {
        yield item;
        this.tick();
      }
    } finally {
      this.end();
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    this.begin();
    try {
      for await (const item of this.source) {
        yield item;
        this.tick();
      }
    } finally {
      this.end();
    }
  }
}

/** `for (const batch of progress(loader)) …`: the loop, with a live bar, rate and ETA. */
export function progress<T>(source: Iterable<T> | AsyncIterable<T>, opts: ProgressOptions = {}): Progress<T> {
  return new Progress(source, opts);
}

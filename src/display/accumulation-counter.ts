// A compact widget for gradient accumulation: micro-batch k of N as a segmented bar, the window's
// items so far, effective batch size, optimizer steps, last gradient norm and learning rate.
import { Figure } from "./figure.js";
import { escapeHtml, fontFamily, shortNumber } from "./html.js";
import { jupyterDisplay, type MimeBundle } from "./mime-bundle.js";
import { showDisplay, type DisplayHandle, type DisplayOptions } from "./output.js";
import type { AccumulationState } from "./structural.js";

/** Past this many micro-batches per step the bar is drawn as one continuous fill. */
export const maxSegments = 32;

function snapshot(s: AccumulationState): Required<Omit<AccumulationState, "windowItems">> & Pick<AccumulationState, "windowItems"> {
  return {
    microBatch: s.microBatch,
    steps: s.steps,
    windowItems: s.windowItems,
    effectiveBatchSize: s.effectiveBatchSize ?? null,
    optimizerSteps: s.optimizerSteps,
    lastGradNorm: s.lastGradNorm ?? null,
    lr: s.lr ?? null,
  };
}

/** Item counts in full (1437, not 1.437e+3); summed weights of a weighted loss may be fractional. */
function countText(n: number | null): string {
  return n === null ? "—" : Number.isInteger(n) ? String(n) : shortNumber(n);
}

export function accumulationBundle(state: AccumulationState): MimeBundle {
  const s = snapshot(state);
  const n = Math.max(1, Math.floor(s.steps));
  const k = Math.max(0, Math.min(n, Math.floor(s.microBatch)));
  const cells = n <= maxSegments ? n : 20;
  const filled = n <= maxSegments ? k : Math.round((k / n) * cells);
  const textBar = "█".repeat(filled) + "░".repeat(cells - filled);
  const fields: [string, string][] = [
    // Only sources that count items (a GradientAccumulator) have the field; plain states may not.
    ...(s.windowItems === undefined ? [] : [["window items", countText(s.windowItems)] as [string, string]]),
    ["effective batch", countText(s.effectiveBatchSize)],
    ["optimizer steps", String(s.optimizerSteps)],
    ["last grad norm", shortNumber(s.lastGradNorm)],
    ["lr", shortNumber(s.lr)],
  ];
  const text = `micro-batch ${k}/${n} [${textBar}]  ${fields.map(([name, value]) => `${name} ${value}`).join(" · ")}`;

  const segmentStyle = (on: boolean) =>
    `flex:1 1 0;height:14px;border-radius:2px;background:${on ? "#59a14f" : "#e6e6e6"}`;
  const bar =
    n <= maxSegments
      ? Array.from({ length: n }, (_, i) => `<div class="tsgrad-segment${i < k ? " tsgrad-filled" : ""}" style="${segmentStyle(i < k)}"></div>`).join("")
      : `<div class="tsgrad-segment tsgrad-filled" style="height:14px;border-radius:2px;background:#59a14f;width:${((k / n) * 100).toFixed(1)}%"></div>`;
  const barBox = `<div class="tsgrad-accumulation-bar" style="display:flex;gap:3px;min-width:260px;${n > maxSegments ? "background:#e6e6e6;border-radius:2px;" : ""}">${bar}</div>`;
  const fieldHtml = fields
    .map(([name, value]) => `<div style="display:inline-block;margin-right:16px"><div style="color:#777;font-size:10px;text-transform:uppercase;letter-spacing:.04em">${escapeHtml(name)}</div><div style="font-size:15px;font-weight:600;color:#222">${escapeHtml(value)}</div></div>`)
    .join("");
  const html =
    `<div class="tsgrad-accumulation" style="font-family:${fontFamily};font-size:12px;border:1px solid #ddd;border-radius:6px;padding:8px 12px;display:inline-block;background:#fff">` +
    `<div style="margin-bottom:5px;color:#333"><b>Gradient accumulation</b> · micro-batch <b>${k}</b> of <b>${n}</b>${k === n ? ' <span style="color:#59a14f">· optimizer stepped</span>' : ""}</div>` +
    barBox +
    `<div style="margin-top:8px">${fieldHtml}</div></div>`;
  return { "text/plain": text, "text/html": html };
}

/** The counter for a `GradientAccumulator` or a plain state object, as of this call. */
function counterNow(state: AccumulationState): Figure {
  const bundle = accumulationBundle(state);
  return new Figure(() => bundle);
}

/** The accumulation counter as of now; `.live(acc)` shows one that updates in place. */
export const accumulationCounter = Object.assign(counterNow, { live: liveAccumulationCounter });

/** A counter shown now and kept current in place (throttled) as the loop runs. */
export class LiveCounter {
  private current: AccumulationState;
  private readonly handle: DisplayHandle;
  // Rendered when sent, so a throttled-away update costs nothing and the flush shows the final state.
  private readonly view = new Figure(() => accumulationBundle(this.current));

  constructor(source: AccumulationState, opts: DisplayOptions = {}) {
    this.current = source;
    this.handle = showDisplay(this.view, opts);
  }

  get displayId(): string {
    return this.handle.displayId;
  }

  /** Re-render from `state` (or from the object given at creation, e.g. the accumulator). */
  update(state?: AccumulationState): void {
    if (state) this.current = state;
    this.handle.update(this.view);
  }

  /** Send a waiting update now. */
  flush(): void {
    this.handle.flush();
  }

  /** As a cell's value it shows nothing: the counter is already on screen. */
  [jupyterDisplay](): MimeBundle {
    return {};
  }
}

/** `accumulationCounter.live(accumulator)`: show the counter and keep it current with `update()`. */
function liveAccumulationCounter(source: AccumulationState, opts: DisplayOptions = {}): LiveCounter {
  return new LiveCounter(source, opts);
}

// The `display` entry point: a function that shows any value, with the renderers as properties
// (`display.gradHistogram(model)`, `display.lossCurve(log)`, …).
import { accumulationCounter } from "./accumulation-counter.js";
import { gradHistogram } from "./grad-histogram.js";
import { lineChart } from "./line-chart.js";
import { memoryChart } from "./memory-chart.js";
import { moduleView } from "./module-view.js";
import { clearOutput, flushDisplays, showDisplay, updateDisplay, type DisplayHandle, type DisplayOptions } from "./output.js";
import { progress } from "./progress.js";
import { tensorView } from "./tensor-view.js";
import { lossCurve } from "./training-log.js";

function show(value: unknown, opts?: DisplayOptions): DisplayHandle {
  return showDisplay(value, opts);
}

/**
 * `display(value, { displayId? })` shows `value` now (its own MIME bundle when it has one) and
 * returns a handle whose `update(value)` replaces it in place, at most ~10 times a second.
 */
export const display = Object.assign(show, {
  gradHistogram,
  lossCurve,
  lineChart,
  accumulationCounter,
  progress,
  memoryChart,
  tensor: tensorView,
  module: moduleView,
  update: updateDisplay,
  clear: clearOutput,
  flush: flushDisplays,
});

// The display layer: MIME bundles and where they go. No kernel knowledge.
import { installDisplays } from "./install.js";

export { jupyterDisplay, isDisplayable, toMimeBundle } from "./mime-bundle.js";
export type { MimeBundle, Displayable } from "./mime-bundle.js";
export { setDisplaySink, currentDisplaySink } from "./display-sink.js";
export type { DisplayMessage, DisplaySink } from "./display-sink.js";

export { display } from "./display.js";
export { accumulationCounter } from "./accumulation-counter.js";
export { updateDisplay, clearOutput, flushDisplays } from "./output.js";
export { DisplayHandle } from "./output.js";
export type { DisplayOptions } from "./output.js";
export { Figure } from "./figure.js";
export { tensorView } from "./tensor-view.js";
export { moduleView } from "./module-view.js";
export { gradHistogram } from "./grad-histogram.js";
export type { GradHistogramOptions } from "./grad-histogram.js";
export { LiveCounter } from "./accumulation-counter.js";
export { lossCurve, TrainingLog } from "./training-log.js";
export type { History, LossCurveOptions, TrainingPoint } from "./training-log.js";
export { lineChart } from "./line-chart.js";
export type { LineChartOptions, LineData } from "./line-chart.js";
export type { AxisMark } from "./line-panel.js";
export { progress, Progress } from "./progress.js";
export type { ProgressOptions } from "./progress.js";
export { memoryChart } from "./memory-chart.js";
export type { MemoryRun } from "./memory-chart.js";
export { installDisplays } from "./install.js";
export type { DisplayTargets } from "./install.js";
export type { TensorLike, ModuleLike, AccumulationState } from "./structural.js";

// Not re-exported (the kernel preloads every export into cells): setDisplayClock (tests, in
// ./output.js) and the static page of bundles (./page.js, for browser checks of saved notebooks).

// Importing the library is enough for tensors, modules and accumulators to render themselves.
installDisplays();

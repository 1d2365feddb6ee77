// The public API: what `import { ... } from "tsgrad"` gives and what the kernel preloads.
export * from "./tensor/index.js";
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export * as data from "./data/index.js";
// The two names the article's loops use bare.
export { GradientAccumulator } from "./optim/index.js";
export { enumerate } from "./data/index.js";
export * from "./display/index.js";
// Widgets as a namespace (`new widgets.IntSlider(...)`, like `import ipywidgets as widgets`), so
// their short names (Label, Output, Button) do not become globals in every cell.
export * as widgets from "./widgets/index.js";
export { interact, comms } from "./widgets/index.js";

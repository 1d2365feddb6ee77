// The public API: what `import { ... } from "tsgrad"` gives and what the kernel preloads.
export * from "./tensor/index.js";
export * as nn from "./nn/index.js";
// `import torch.nn.functional as F`: the functional forms under PyTorch code's usual name.
export * as F from "./nn/functional.js";
export * as optim from "./optim/index.js";
export * as data from "./data/index.js";
// Names PyTorch code uses bare: the article's loops, and Python's builtins enumerate and len.
export { GradientAccumulator } from "./optim/index.js";
export { enumerate, len } from "./data/index.js";
export * from "./display/index.js";
// Widgets as a namespace (`new widgets.IntSlider(...)`, like `import ipywidgets as widgets`), so
// their short names (Label, Output, Button) do not become globals in every cell.
export * as widgets from "./widgets/index.js";
export { interact, comms } from "./widgets/index.js";

// The display layer: MIME bundles and where they go. No kernel knowledge.
export { jupyterDisplay, isDisplayable, toMimeBundle } from "./mime-bundle.js";
export type { MimeBundle, Displayable } from "./mime-bundle.js";
export { setDisplaySink, currentDisplaySink } from "./display-sink.js";
export type { DisplayMessage, DisplaySink } from "./display-sink.js";

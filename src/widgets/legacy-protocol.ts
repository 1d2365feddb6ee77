// ipywidgets 6 front ends (Debian's jupyter-nbextension-jupyter-js-widgets for the classic notebook)
// speak widget protocol 1: they open a `jupyter.widget.version` comm when they start, find every
// model in one module, "jupyter-js-widgets" ~2.1, send `backbone` messages with `sync_data`, and
// show a widget when told `display` on its comm. Newer front ends never open that comm, so it is
// how the kernel learns which protocol to speak to widgets created afterwards.
import type { Comm } from "./comm.js";
import { comms } from "./comm-manager.js";
import type { MimeBundle } from "../display/mime-bundle.js";
import type { ModelSpec } from "./widget.js";

export const versionTarget = "jupyter.widget.version";
/** The front-end versions protocol 1 kernels ask for (ipywidgets 6's own requirement). */
const legacyModuleVersion = "~2.1.0";
const legacyModule = "jupyter-js-widgets";

const flagKey = Symbol.for("tsgrad.widgets.legacyFrontEnd");
type FlagHolder = { [flagKey]?: boolean };

/** True once an ipywidgets 6 front end has announced itself. */
export function legacyFrontEnd(): boolean {
  return (globalThis as FlagHolder)[flagKey] === true;
}

export function setLegacyFrontEnd(on: boolean): void {
  (globalThis as FlagHolder)[flagKey] = on;
}

/** Models protocol 1 lacks, mapped to the nearest it has. */
const legacyNames: Record<string, [string, string | null]> = {
  IntProgressModel: ["ProgressModel", "ProgressView"],
  // A linear slider over the same value range: usable, if not logarithmic.
  FloatLogSliderModel: ["FloatSliderModel", "FloatSliderView"],
};
const legacyStyles = new Set(["ButtonStyleModel", "ProgressStyleModel", "SliderStyleModel"]);

/** State (complete or partial) as a protocol 1 front end reads it; `full` is the model's whole state. */
export function toLegacy(spec: ModelSpec, state: Record<string, unknown>, full: Record<string, unknown> = state): Record<string, unknown> {
  const out: Record<string, unknown> = { ...state };
  if ("_model_name" in out) {
    let [model, view] = legacyNames[spec.modelName] ?? [spec.modelName, spec.viewName];
    if (model.endsWith("StyleModel") && !legacyStyles.has(model)) model = "StyleModel";
    Object.assign(out, { _model_name: model, _view_name: view, _model_module: legacyModule, _view_module: legacyModule });
    Object.assign(out, { _model_module_version: legacyModuleVersion, _view_module_version: legacyModuleVersion });
  }
  if (spec.modelName === "FloatLogSliderModel") {
    const base = Number(full["base"] ?? 10);
    if ("min" in out) out["min"] = base ** Number(full["min"]);
    if ("max" in out) out["max"] = base ** Number(full["max"]);
    if ("min" in out || "max" in out || "step" in out) out["step"] = (base ** Number(full["max"]) - base ** Number(full["min"])) / 100;
  }
  if (spec.modelName === "DropdownModel" && "index" in out) {
    const labels = full["_options_labels"] as string[];
    const index = out["index"];
    out["value"] = typeof index === "number" ? (labels[index] ?? null) : null;
  }
  return out;
}

/** A protocol 1 message from the front end, as protocol 2 says it. */
export function fromLegacy(spec: ModelSpec, data: Record<string, unknown>, full: Record<string, unknown>): Record<string, unknown> {
  if (data["method"] !== "backbone") return data;
  const syncData = data["sync_data"];
  if (typeof syncData !== "object" || syncData === null) return { method: "update", state: syncData };
  const state: Record<string, unknown> = { ...(syncData as Record<string, unknown>) };
  if (spec.modelName === "DropdownModel" && "value" in state) {
    const labels = full["_options_labels"] as string[];
    state["index"] = labels.indexOf(String(state["value"]));
    delete state["value"];
  }
  if (spec.modelName === "FloatLogSliderModel") for (const key of ["min", "max", "step"]) delete state[key];
  const keys = data["buffer_keys"];
  return { method: "update", state, buffer_paths: Array.isArray(keys) ? keys.map((key) => [key]) : keys };
}

/** Shows a widget in a protocol 1 front end: the `display` comm message, and the view with no text. */
export function displayLegacy(comm: Comm | null, view: MimeBundle): MimeBundle {
  if (comm && !comm.closed) comm.send({ method: "display" });
  // Only the view (as ipywidgets 6 sends it): a text/plain would be printed beside the widget.
  return { ...view, "text/plain": "" };
}

/** Answers the version check ipywidgets 6 front ends start with, and switches to protocol 1. */
comms.registerTarget(versionTarget, (comm) => {
  setLegacyFrontEnd(true);
  comm.send({ version: legacyModuleVersion });
  // The front end answers {validated, frontend_version}; nothing more to do with it.
  comm.onMsg(() => {});
});

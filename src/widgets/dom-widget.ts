// What every visible widget shares: the model spec helpers (module names and versions as
// @jupyter-widgets/base 2 and controls 5 expect them), a Layout, a style, a tooltip, CSS classes.
import { trait } from "./traits.js";
import type { TraitTable } from "./traits.js";
import { Widget } from "./widget.js";
import type { ModelSpec } from "./widget.js";
import type { Layout, Style } from "./layout.js";

export const baseModule = { module: "@jupyter-widgets/base", version: "2.0.0" } as const;
export const controlsModule = { module: "@jupyter-widgets/controls", version: "2.0.0" } as const;
export const outputModule = { module: "@jupyter-widgets/output", version: "1.0.0" } as const;

/** A model and view from one module (`XModel` / `XView`). */
export function spec(name: string, from: { module: string; version: string }, view: string | null = `${name}View`): ModelSpec {
  return { modelName: `${name}Model`, modelModule: from.module, modelModuleVersion: from.version, viewName: view, viewModule: from.module, viewModuleVersion: from.version };
}

/** A style model: in controls, shown by base's StyleView. */
export function styleSpec(name: string): ModelSpec {
  return { ...spec(name, controlsModule, null), viewName: "StyleView", viewModule: baseModule.module, viewModuleVersion: baseModule.version };
}

/** The model/view identity traits (read-only: `_model_name` and friends). */
export function identityTraits(s: ModelSpec): TraitTable {
  return {
    _modelModule: trait("_model_module", "string", s.modelModule),
    _modelModuleVersion: trait("_model_module_version", "string", s.modelModuleVersion),
    _modelName: trait("_model_name", "string", s.modelName),
    _viewModule: trait("_view_module", "string", s.viewModule),
    _viewModuleVersion: trait("_view_module_version", "string", s.viewModuleVersion),
    _viewName: trait("_view_name", "nullableString", s.viewName),
  };
}

/** Traits of every DOM widget (before its own). */
export const domTraits: TraitTable = {
  _domClasses: trait("_dom_classes", "strings", []),
  layout: trait("layout", "widget", null),
  tabbable: trait("tabbable", "nullableBool", null),
  tooltip: trait("tooltip", "nullableString", null),
};

/** Options of every widget with a description label. */
export interface DescribedOptions {
  description?: string;
  /** Render the description as HTML. */
  descriptionAllowHtml?: boolean;
  tooltip?: string | null;
  layout?: Layout;
  style?: Style;
}

/** Traits of widgets with a description label. */
export const describedTraits: TraitTable = {
  ...domTraits,
  description: trait("description", "string", ""),
  descriptionAllowHtml: trait("description_allow_html", "bool", false),
  style: trait("style", "widget", null),
};

/** Defines camelCase accessors on `target`'s prototype for each trait (`slider.value = 3`). */
export function defineAccessors(target: { prototype: object }, names: readonly string[]): void {
  for (const name of names) {
    if (name.startsWith("_") || Object.prototype.hasOwnProperty.call(target.prototype, name)) continue;
    Object.defineProperty(target.prototype, name, {
      get(this: Widget) {
        return this.get(name);
      },
      set(this: Widget, value: unknown) {
        this.set({ [name]: value });
      },
      configurable: true,
    });
  }
}

/** Options with a fresh Layout and style filled in when the caller gave none. */
export function withParts(
  options: Record<string, unknown>,
  parts: { layout?: () => Widget; style?: () => Widget },
): Record<string, unknown> {
  const out = { ...options };
  if (parts.layout && out["layout"] === undefined) out["layout"] = parts.layout();
  if (parts.style && out["style"] === undefined) out["style"] = parts.style();
  return out;
}

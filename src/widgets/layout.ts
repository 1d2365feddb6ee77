// Layout (CSS box properties, from @jupyter-widgets/base) and the style models of controls 5.
import { baseModule, defineAccessors, identityTraits, spec, styleSpec } from "./dom-widget.js";
import { trait } from "./traits.js";
import type { TraitTable } from "./traits.js";
import { Widget } from "./widget.js";
import type { ModelSpec } from "./widget.js";

const camel = (key: string): string => key.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

/** Nullable CSS-string traits, camelCase names for snake_case keys. */
function cssTraits(keys: readonly string[]): TraitTable {
  return Object.fromEntries(keys.map((key) => [camel(key), trait(key, "nullableString", null)]));
}

const layoutKeys = [
  "align_content", "align_items", "align_self", "border_bottom", "border_left", "border_right", "border_top", "bottom",
  "display", "flex", "flex_flow", "grid_area", "grid_auto_columns", "grid_auto_flow", "grid_auto_rows", "grid_column",
  "grid_gap", "grid_row", "grid_template_areas", "grid_template_columns", "grid_template_rows", "height",
  "justify_content", "justify_items", "left", "margin", "max_height", "max_width", "min_height", "min_width",
  "object_fit", "object_position", "order", "overflow", "padding", "right", "top", "visibility", "width",
] as const;

type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
export type LayoutOptions = { [K in (typeof layoutKeys)[number] as Camel<K>]?: string | null };

const layoutSpec = spec("Layout", baseModule);
const layoutTraits: TraitTable = { ...identityTraits(layoutSpec), ...cssTraits(layoutKeys) };

export interface Layout extends LayoutOptions {}
/** CSS box properties of a widget: `new Layout({ width: "300px" })`. */
export class Layout extends Widget {
  constructor(options: LayoutOptions = {}) {
    super(layoutSpec, layoutTraits, options);
  }
}
defineAccessors(Layout, Object.keys(layoutTraits));

/** Style options per style model (all nullable CSS strings but `descriptionWidth`). */
export interface StyleOptions {
  descriptionWidth?: string;
  handleColor?: string | null;
  buttonColor?: string | null;
  barColor?: string | null;
  background?: string | null;
  textColor?: string | null;
  fontSize?: string | null;
  fontWeight?: string | null;
  fontFamily?: string | null;
  fontStyle?: string | null;
  fontVariant?: string | null;
  textDecoration?: string | null;
}

const fontKeys = ["font_family", "font_size", "font_style", "font_variant", "font_weight", "text_color", "text_decoration"];
const descriptionWidth: TraitTable = { descriptionWidth: trait("description_width", "string", "") };

/** Each style model of controls 5 and its own traits (as @jupyter-widgets/schema lists them). */
const styleModels: Record<string, TraitTable> = {
  DescriptionStyle: { ...descriptionWidth },
  SliderStyle: { ...descriptionWidth, ...cssTraits(["handle_color"]) },
  ProgressStyle: { ...cssTraits(["bar_color"]), ...descriptionWidth },
  ButtonStyle: cssTraits(["button_color", ...fontKeys]),
  CheckboxStyle: { ...cssTraits(["background"]), ...descriptionWidth },
  ToggleButtonStyle: { ...descriptionWidth, ...cssTraits(fontKeys) },
  LabelStyle: { ...cssTraits(["background"]), ...descriptionWidth, ...cssTraits(fontKeys) },
  HTMLStyle: { ...cssTraits(["background"]), ...descriptionWidth, ...cssTraits(["font_size", "text_color"]) },
};

export type StyleName = keyof typeof styleModels & string;

export interface Style extends StyleOptions {}
/** A widget's style model (`SliderStyle`, `ButtonStyle`, ...): colours, fonts, description width. */
export class Style extends Widget {
  constructor(name: StyleName, options: StyleOptions = {}) {
    const s: ModelSpec = styleSpec(name);
    const own = styleModels[name];
    if (!own) throw new TypeError(`no style model '${String(name)}' (there are ${Object.keys(styleModels).join(", ")})`);
    super(s, { ...identityTraits(s), ...own }, options as Record<string, unknown>);
  }
}
defineAccessors(Style, [...new Set(Object.values(styleModels).flatMap((t) => Object.keys(t)))]);

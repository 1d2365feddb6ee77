// Sliders: IntSlider, FloatSlider and FloatLogSlider (a value between base**min and base**max).
import { controlsModule, defineAccessors, describedTraits, identityTraits, spec, withParts } from "./dom-widget.js";
import { Layout, Style } from "./layout.js";
import type { LayoutOptions } from "./layout.js";
import { trait, TraitError } from "./traits.js";
import type { TraitTable } from "./traits.js";
import { Widget } from "./widget.js";

/** What every slider takes (camelCase for the front end's snake_case). */
export interface SliderOptions {
  value?: number;
  min?: number;
  max?: number;
  step?: number;
  description?: string;
  descriptionAllowHtml?: boolean;
  disabled?: boolean;
  /** Send values while dragging (true) or only on release. */
  continuousUpdate?: boolean;
  orientation?: "horizontal" | "vertical";
  readout?: boolean;
  /** A d3-format string for the readout ("d", ".2f", ".3g"). */
  readoutFormat?: string;
  behavior?: "drag-tap" | "drag-snap" | "tap" | "drag" | "snap";
  tooltip?: string | null;
  layout?: Layout;
  style?: Style;
}

export interface FloatLogSliderOptions extends SliderOptions {
  /** min and max are exponents of this base. */
  base?: number;
}

function sliderTraits(kind: "int" | "float", defaults: { min: number; max: number; step: number; value: number; readoutFormat: string }): TraitTable {
  return {
    ...describedTraits,
    behavior: trait("behavior", "string", "drag-tap", ["drag-tap", "drag-snap", "tap", "drag", "snap"]),
    continuousUpdate: trait("continuous_update", "bool", true),
    disabled: trait("disabled", "bool", false),
    max: trait("max", kind, defaults.max),
    min: trait("min", kind, defaults.min),
    orientation: trait("orientation", "string", "horizontal", ["horizontal", "vertical"]),
    readout: trait("readout", "bool", true),
    readoutFormat: trait("readout_format", "string", defaults.readoutFormat),
    step: trait("step", kind, defaults.step),
    value: trait("value", kind, defaults.value),
  };
}

const parts = { layout: () => new Layout(), style: () => new Style("SliderStyle") };

/** The slider's own consistency: min ≤ max (else throws), and its value clamped into [lo, hi]. */
function clampedValue(widget: Widget, lo: number, hi: number): number {
  const min = widget.get("min") as number;
  const max = widget.get("max") as number;
  if (min > max) throw new TraitError(`${widget.kind}: min (${min}) must not exceed max (${max})`);
  return Math.min(hi, Math.max(lo, widget.get("value") as number));
}

const intSpec = spec("IntSlider", controlsModule);
const intTraits = { ...identityTraits(intSpec), ...sliderTraits("int", { min: 0, max: 100, step: 1, value: 0, readoutFormat: "d" }) };

export interface IntSlider extends Required<Omit<SliderOptions, "layout" | "style" | "tooltip">> {
  layout: Layout;
  style: Style;
  tooltip: string | null;
}
/** A slider over whole numbers: `new IntSlider({ value: 4, min: 1, max: 16, description: "steps" })`. */
export class IntSlider extends Widget {
  constructor(options: SliderOptions = {}) {
    super(intSpec, intTraits, withParts({ ...options }, parts));
  }
  protected override validate(): void {
    this.adjust("value", clampedValue(this, this.get("min") as number, this.get("max") as number));
  }
}
defineAccessors(IntSlider, Object.keys(intTraits));

const floatSpec = spec("FloatSlider", controlsModule);
const floatTraits = { ...identityTraits(floatSpec), ...sliderTraits("float", { min: 0, max: 100, step: 0.1, value: 0, readoutFormat: ".2f" }) };

export interface FloatSlider extends IntSlider {}
/** A slider over real numbers. */
export class FloatSlider extends Widget {
  constructor(options: SliderOptions = {}) {
    super(floatSpec, floatTraits, withParts({ ...options }, parts));
  }
  protected override validate(): void {
    this.adjust("value", clampedValue(this, this.get("min") as number, this.get("max") as number));
  }
}
defineAccessors(FloatSlider, Object.keys(floatTraits));

const logSpec = spec("FloatLogSlider", controlsModule);
const logTraits = {
  ...identityTraits(logSpec),
  ...sliderTraits("float", { min: 0, max: 4, step: 0.1, value: 1, readoutFormat: ".3g" }),
  base: trait("base", "float", 10),
};

export interface FloatLogSlider extends IntSlider {
  base: number;
}
/** A slider whose position is log_base(value): for learning rates, `min: -4, max: 0` spans 1e-4 to 1. */
export class FloatLogSlider extends Widget {
  constructor(options: FloatLogSliderOptions = {}) {
    super(logSpec, logTraits, withParts({ ...options }, parts));
  }
  protected override validate(): void {
    const base = this.get("base") as number;
    if (!(base > 0) || base === 1) throw new TraitError(`FloatLogSlider: base must be positive and not 1, got ${base}`);
    this.adjust("value", clampedValue(this, base ** (this.get("min") as number), base ** (this.get("max") as number)));
  }
}
defineAccessors(FloatLogSlider, Object.keys(logTraits));

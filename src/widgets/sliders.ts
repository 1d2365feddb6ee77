// Sliders: IntSlider, FloatSlider and FloatLogSlider (a value between base**min and base**max).
import { controlsModule, defineAccessors, describedTraits, identityTraits, spec, withParts } from "./dom-widget.js";
import type { DescribedOptions } from "./dom-widget.js";
import { Layout, Style } from "./layout.js";
import type { LayoutOptions } from "./layout.js";
import { RangedWidget } from "./ranged-widget.js";
import { trait, TraitError } from "./traits.js";
import type { TraitTable } from "./traits.js";

/** What every slider takes (camelCase for the front end's snake_case). */
export interface SliderOptions extends DescribedOptions {
  value?: number;
  min?: number;
  max?: number;
  step?: number;
  disabled?: boolean;
  /** Send values while dragging (true) or only on release. */
  continuousUpdate?: boolean;
  orientation?: "horizontal" | "vertical";
  readout?: boolean;
  /** A d3-format string for the readout ("d", ".2f", ".3g"). */
  readoutFormat?: string;
  behavior?: "drag-tap" | "drag-snap" | "tap" | "drag" | "snap";
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

const intSpec = spec("IntSlider", controlsModule);
const intTraits = { ...identityTraits(intSpec), ...sliderTraits("int", { min: 0, max: 100, step: 1, value: 0, readoutFormat: "d" }) };

export interface IntSlider extends Required<Omit<SliderOptions, "layout" | "style" | "tooltip">> {
  layout: Layout;
  style: Style;
  tooltip: string | null;
}
/** A slider over whole numbers: `new IntSlider({ value: 4, min: 1, max: 16, description: "steps" })`. */
export class IntSlider extends RangedWidget {
  constructor(options: SliderOptions = {}) {
    super(intSpec, intTraits, withParts({ ...options }, parts));
  }
}
defineAccessors(IntSlider, Object.keys(intTraits));

const floatSpec = spec("FloatSlider", controlsModule);
const floatTraits = { ...identityTraits(floatSpec), ...sliderTraits("float", { min: 0, max: 100, step: 0.1, value: 0, readoutFormat: ".2f" }) };

export interface FloatSlider extends IntSlider {}
/** A slider over real numbers. */
export class FloatSlider extends RangedWidget {
  constructor(options: SliderOptions = {}) {
    super(floatSpec, floatTraits, withParts({ ...options }, parts));
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
export class FloatLogSlider extends RangedWidget {
  constructor(options: FloatLogSliderOptions = {}) {
    super(logSpec, logTraits, withParts({ ...options }, parts));
  }
  protected override valueRange(): [number, number] {
    const base = this.get("base") as number;
    if (!(base > 0) || base === 1) throw new TraitError(`FloatLogSlider: base must be positive and not 1, got ${base}`);
    return [base ** (this.get("min") as number), base ** (this.get("max") as number)];
  }
}
defineAccessors(FloatLogSlider, Object.keys(logTraits));

// Two-state controls: Checkbox and ToggleButton (a boolean value the user flips).
import { controlsModule, defineAccessors, describedTraits, identityTraits, spec, withParts } from "./dom-widget.js";
import type { DescribedOptions } from "./dom-widget.js";
import { Layout, Style } from "./layout.js";
import { trait } from "./traits.js";
import { Widget } from "./widget.js";

export interface ToggleOptions extends DescribedOptions {
  value?: boolean;
  disabled?: boolean;
}

export interface CheckboxOptions extends ToggleOptions {
  /** Line the box up with other widgets' descriptions. */
  indent?: boolean;
}

export interface ToggleButtonOptions extends ToggleOptions {
  buttonStyle?: "primary" | "success" | "info" | "warning" | "danger" | "";
  /** A Font Awesome icon name (without the fa- prefix). */
  icon?: string;
}

const buttonStyles = ["primary", "success", "info", "warning", "danger", ""];

const checkboxSpec = spec("Checkbox", controlsModule);
const checkboxTraits = {
  ...identityTraits(checkboxSpec),
  ...describedTraits,
  disabled: trait("disabled", "bool", false),
  indent: trait("indent", "bool", true),
  value: trait("value", "bool", false),
};

export interface Checkbox extends Required<Omit<CheckboxOptions, "tooltip">> {
  tooltip: string | null;
}
/** A checkbox: `new Checkbox({ value: true, description: "divide the loss" })`. */
export class Checkbox extends Widget {
  constructor(options: CheckboxOptions = {}) {
    super(checkboxSpec, checkboxTraits, withParts({ ...options }, { layout: () => new Layout(), style: () => new Style("CheckboxStyle") }));
  }
}
defineAccessors(Checkbox, Object.keys(checkboxTraits));

const toggleSpec = spec("ToggleButton", controlsModule);
const toggleTraits = {
  ...identityTraits(toggleSpec),
  ...describedTraits,
  buttonStyle: trait("button_style", "string", "", buttonStyles),
  disabled: trait("disabled", "bool", false),
  icon: trait("icon", "string", ""),
  value: trait("value", "bool", false),
};

export interface ToggleButton extends Required<Omit<ToggleButtonOptions, "tooltip">> {
  tooltip: string | null;
}
/** A button that stays pressed (value true) until pressed again. */
export class ToggleButton extends Widget {
  constructor(options: ToggleButtonOptions = {}) {
    super(toggleSpec, toggleTraits, withParts({ ...options }, { layout: () => new Layout(), style: () => new Style("ToggleButtonStyle") }));
  }
}
defineAccessors(ToggleButton, Object.keys(toggleTraits));

export { buttonStyles };

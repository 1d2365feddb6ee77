// Label (plain text) and HTML (markup shown as is): read-only text a cell updates.
import { controlsModule, defineAccessors, describedTraits, identityTraits, spec, withParts } from "./dom-widget.js";
import type { DescribedOptions } from "./dom-widget.js";
import { Layout, Style } from "./layout.js";
import { trait } from "./traits.js";
import { Widget } from "./widget.js";

export interface TextOptions extends DescribedOptions {
  value?: string;
  placeholder?: string;
}

// The schema's default placeholder is a zero-width space.
const textTraits = {
  ...describedTraits,
  placeholder: trait("placeholder", "string", "\u200b"),
  value: trait("value", "string", ""),
};

const labelSpec = spec("Label", controlsModule);
const labelTraits = { ...identityTraits(labelSpec), ...textTraits };

export interface Label extends Required<Omit<TextOptions, "tooltip">> {
  tooltip: string | null;
}
/** A line of text: `new Label({ value: "loss 0.42" })`. */
export class Label extends Widget {
  constructor(options: TextOptions = {}) {
    super(labelSpec, labelTraits, withParts({ ...options }, { layout: () => new Layout(), style: () => new Style("LabelStyle") }));
  }
}
defineAccessors(Label, Object.keys(labelTraits));

const htmlSpec = spec("HTML", controlsModule);
const htmlTraits = { ...identityTraits(htmlSpec), ...textTraits };

export interface HTML extends Label {}
/** HTML shown as is (the front end sanitizes it): `new HTML({ value: "<b>step 3</b>" })`. */
export class HTML extends Widget {
  constructor(options: TextOptions = {}) {
    super(htmlSpec, htmlTraits, withParts({ ...options }, { layout: () => new Layout(), style: () => new Style("HTMLStyle") }));
  }
}
defineAccessors(HTML, Object.keys(htmlTraits));

// IntProgress (a bar) and Play (a timer that counts its value up in the front end).
import { controlsModule, defineAccessors, describedTraits, identityTraits, spec, withParts } from "./dom-widget.js";
import type { DescribedOptions } from "./dom-widget.js";
import { Layout, Style } from "./layout.js";
import { RangedWidget } from "./ranged-widget.js";
import { trait } from "./traits.js";

export interface IntProgressOptions extends DescribedOptions {
  value?: number;
  min?: number;
  max?: number;
  barStyle?: "success" | "info" | "warning" | "danger" | "";
  orientation?: "horizontal" | "vertical";
}

const progressSpec = { ...spec("IntProgress", controlsModule), viewName: "ProgressView" };
const progressTraits = {
  ...identityTraits(progressSpec),
  ...describedTraits,
  barStyle: trait("bar_style", "string", "", ["success", "info", "warning", "danger", ""]),
  max: trait("max", "int", 100),
  min: trait("min", "int", 0),
  orientation: trait("orientation", "string", "horizontal", ["horizontal", "vertical"]),
  value: trait("value", "int", 0),
};

export interface IntProgress extends Required<Omit<IntProgressOptions, "tooltip">> {
  tooltip: string | null;
}
/** A progress bar: `bar.value = step` in a training loop. */
export class IntProgress extends RangedWidget {
  constructor(options: IntProgressOptions = {}) {
    super(progressSpec, progressTraits, withParts({ ...options }, { layout: () => new Layout(), style: () => new Style("ProgressStyle") }));
  }
}
defineAccessors(IntProgress, Object.keys(progressTraits));

export interface PlayOptions {
  value?: number;
  min?: number;
  max?: number;
  step?: number;
  /** Milliseconds between steps. */
  interval?: number;
  playing?: boolean;
  repeat?: boolean;
  showRepeat?: boolean;
  disabled?: boolean;
  description?: string;
  tooltip?: string | null;
  layout?: Layout;
  style?: Style;
}

const playSpec = spec("Play", controlsModule);
const playTraits = {
  ...identityTraits(playSpec),
  ...describedTraits,
  disabled: trait("disabled", "bool", false),
  interval: trait("interval", "int", 100),
  max: trait("max", "int", 100),
  min: trait("min", "int", 0),
  playing: trait("playing", "bool", false),
  repeat: trait("repeat", "bool", false),
  showRepeat: trait("show_repeat", "bool", true),
  step: trait("step", "int", 1),
  value: trait("value", "int", 0),
};

export interface Play extends Required<Omit<PlayOptions, "tooltip">> {
  tooltip: string | null;
}
/** Play/pause buttons that step `value` from min to max every `interval` ms (in the front end). */
export class Play extends RangedWidget {
  constructor(options: PlayOptions = {}) {
    super(playSpec, playTraits, withParts({ ...options }, { layout: () => new Layout(), style: () => new Style("DescriptionStyle") }));
  }
}
defineAccessors(Play, Object.keys(playTraits));

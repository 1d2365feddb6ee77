// IntProgress (a bar) and Play (a timer that counts its value up in the front end).
import { controlsModule, defineAccessors, describedTraits, identityTraits, spec, withParts } from "./dom-widget.js";
import { Layout, Style } from "./layout.js";
import { trait, TraitError } from "./traits.js";
import { Widget } from "./widget.js";

export interface IntProgressOptions {
  value?: number;
  min?: number;
  max?: number;
  barStyle?: "success" | "info" | "warning" | "danger" | "";
  orientation?: "horizontal" | "vertical";
  description?: string;
  descriptionAllowHtml?: boolean;
  tooltip?: string | null;
  layout?: Layout;
  style?: Style;
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

/** min ≤ max, value clamped into [min, max]. */
function clamp(widget: Widget): number {
  const min = widget.get("min") as number;
  const max = widget.get("max") as number;
  if (min > max) throw new TraitError(`${widget.kind}: min (${min}) must not exceed max (${max})`);
  return Math.min(max, Math.max(min, widget.get("value") as number));
}

export interface IntProgress extends Required<Omit<IntProgressOptions, "tooltip">> {
  tooltip: string | null;
}
/** A progress bar: `bar.value = step` in a training loop. */
export class IntProgress extends Widget {
  constructor(options: IntProgressOptions = {}) {
    super(progressSpec, progressTraits, withParts({ ...options }, { layout: () => new Layout(), style: () => new Style("ProgressStyle") }));
  }
  protected override validate(): void {
    this.adjust("value", clamp(this));
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
export class Play extends Widget {
  constructor(options: PlayOptions = {}) {
    super(playSpec, playTraits, withParts({ ...options }, { layout: () => new Layout(), style: () => new Style("DescriptionStyle") }));
  }
  protected override validate(): void {
    this.adjust("value", clamp(this));
  }
}
defineAccessors(Play, Object.keys(playTraits));

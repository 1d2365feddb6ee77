// interact: controls for a function's parameters, and the function rerun (its output in an Output
// widget) each time one of them changes, as ipywidgets' `interact` does.
import { jupyterDisplay } from "../display/mime-bundle.js";
import type { MimeBundle } from "../display/mime-bundle.js";
import { clearOutput, showDisplay } from "../display/output.js";
import { VBox } from "./boxes.js";
import { currentCommTransport } from "./comm-transport.js";
import { Dropdown } from "./dropdown.js";
import { Output } from "./output-widget.js";
import { FloatSlider, IntSlider } from "./sliders.js";
import { Checkbox } from "./toggles.js";
import { TraitError } from "./traits.js";
import { Widget } from "./widget.js";

/** A control, or what stands for one: a number (slider around it), [min, max(, step)], a boolean, a list of choices. */
export type ControlSpec = Widget | number | boolean | readonly [number, number] | readonly [number, number, number] | readonly string[];

/** The value a control gives the function. */
export type ValueOf<C> = C extends Dropdown<infer T> ? T : C extends { value: infer V } ? V : C extends number ? number : C extends boolean ? boolean : C extends readonly string[] ? string : C extends readonly number[] ? number : unknown;
export type ValuesOf<C> = { [K in keyof C]: ValueOf<C[K]> };

/** The widget for one control spec (the abbreviations ipywidgets' interact accepts). */
export function controlFor(name: string, given: ControlSpec): Widget {
  if (given instanceof Widget) return given;
  const description = name;
  if (typeof given === "boolean") return new Checkbox({ value: given, description });
  if (typeof given === "number") {
    // ipywidgets: a value v gets a slider from -v to 3v (or -1..1 around 0).
    const [min, max] = given > 0 ? [-given, 3 * given] : given < 0 ? [3 * given, -given] : [-1, 1];
    return Number.isInteger(given) ? new IntSlider({ value: given, min, max, description }) : new FloatSlider({ value: given, min, max, step: (max - min) / 100, description });
  }
  if (Array.isArray(given) && given.length > 0 && given.every((item) => typeof item === "string")) return new Dropdown({ options: given as string[], description });
  if (Array.isArray(given) && (given.length === 2 || given.length === 3) && given.every((item) => typeof item === "number")) {
    const [min, max, step] = given as number[];
    const whole = given.every((item) => Number.isInteger(item));
    const value = whole ? Math.round((min! + max!) / 2) : (min! + max!) / 2;
    return whole ? new IntSlider({ value, min, max, step: step ?? 1, description }) : new FloatSlider({ value, min, max, step: step ?? (max! - min!) / 100, description });
  }
  throw new TraitError(`interact: control '${name}' must be a widget, a number, a boolean, [min, max(, step)] or a list of strings, got ${JSON.stringify(given)}`);
}

function valueOf(widget: Widget): unknown {
  return widget instanceof Dropdown ? widget.value : widget.get("value");
}

/** The controls, their Output, and the function rerun on every change. */
export class Interactive<C extends Record<string, ControlSpec>> {
  readonly controls: { [K in keyof C]: Widget };
  readonly output = new Output();
  readonly box: VBox;
  /** The latest run (resolves when it has finished, async functions included). */
  lastRun: Promise<void> = Promise.resolve();
  private pending = false;
  private running = false;

  constructor(
    private readonly fn: (values: ValuesOf<C>) => unknown,
    controls: C,
  ) {
    if (typeof fn !== "function") throw new TypeError("interact: the first argument must be a function");
    this.controls = Object.fromEntries(Object.entries(controls).map(([name, given]) => [name, controlFor(name, given)])) as { [K in keyof C]: Widget };
    this.box = new VBox([...Object.values(this.controls), this.output]);
    for (const control of Object.values(this.controls)) control.observe(() => void this.update(), control instanceof Dropdown ? "index" : "value");
  }

  /** The controls' current values, by name. */
  values(): ValuesOf<C> {
    return Object.fromEntries(Object.entries(this.controls).map(([name, w]) => [name, valueOf(w)])) as ValuesOf<C>;
  }

  /** Reruns the function now (a change during an async run reruns it once more, after). */
  update(): Promise<void> {
    if (this.running) {
      this.pending = true;
      return this.lastRun;
    }
    this.running = true;
    this.lastRun = (async () => {
      try {
        do {
          this.pending = false;
          await this.output.capture(async () => {
            // Inside the capture, so the clear goes to the widget; `wait` avoids a flicker.
            clearOutput({ wait: true });
            try {
              await this.fn(this.values());
            } catch (error) {
              currentCommTransport().reportError(error, "interact");
            }
          });
        } while (this.pending);
      } finally {
        this.running = false;
      }
    })();
    return this.lastRun;
  }

  [jupyterDisplay](): MimeBundle {
    return this.box[jupyterDisplay]();
  }
}

/** The interactive controls for `fn`, not yet shown (display it, or end a cell with it). */
export function interactive<C extends Record<string, ControlSpec>>(fn: (values: ValuesOf<C>) => unknown, controls: C): Interactive<C> {
  const ui = new Interactive(fn, controls);
  void ui.update();
  return ui;
}

/** What `interact` returns: the controls and output it showed (not displayable again by accident). */
export class InteractHandle<C extends Record<string, ControlSpec>> {
  constructor(private readonly ui: Interactive<C>) {}
  get controls(): { [K in keyof C]: Widget } {
    return this.ui.controls;
  }
  get output(): Output {
    return this.ui.output;
  }
  /** The latest run (resolves when it has finished). */
  get lastRun(): Promise<void> {
    return this.ui.lastRun;
  }
  values(): ValuesOf<C> {
    return this.ui.values();
  }
  update(): Promise<void> {
    return this.ui.update();
  }
  /** Already shown by `interact`: a cell ending with it shows nothing more. */
  [jupyterDisplay](): MimeBundle {
    return {};
  }
}

/** Shows controls for `fn`'s parameters and runs it now and on every change: `interact(({ steps }) => train(steps), { steps: [1, 16] })`. */
export function interact<C extends Record<string, ControlSpec>>(fn: (values: ValuesOf<C>) => unknown, controls: C): InteractHandle<C> {
  const ui = new Interactive(fn, controls);
  showDisplay(ui);
  void ui.update();
  return new InteractHandle(ui);
}

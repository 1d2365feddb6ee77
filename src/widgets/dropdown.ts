// Dropdown: one choice among labelled options. The front end knows the labels and the selected
// index; the kernel maps the index to the option's value.
import { controlsModule, defineAccessors, describedTraits, identityTraits, spec, withParts } from "./dom-widget.js";
import type { DescribedOptions } from "./dom-widget.js";
import { Layout, Style } from "./layout.js";
import { trait, TraitError } from "./traits.js";
import { Widget } from "./widget.js";

/** Options as plain labels, or [label, value] pairs. */
export type DropdownChoices<T> = readonly (string | readonly [string, T])[];

export interface DropdownOptions<T> extends DescribedOptions {
  options: DropdownChoices<T>;
  /** The selected option's value (default: the first). */
  value?: T | null;
  disabled?: boolean;
}

const dropdownSpec = spec("Dropdown", controlsModule);
const dropdownTraits = {
  ...identityTraits(dropdownSpec),
  ...describedTraits,
  _optionsLabels: trait("_options_labels", "strings", []),
  disabled: trait("disabled", "bool", false),
  index: trait("index", "nullableInt", null),
};

export interface Dropdown<T> {
  description: string;
  disabled: boolean;
  index: number | null;
  tooltip: string | null;
  layout: Layout;
  style: Style;
}
/** `new Dropdown({ options: [["SGD", "sgd"], ["Adam", "adam"]], value: "adam" })`. */
export class Dropdown<T = string> extends Widget {
  private readonly values: T[];
  readonly labels: string[];

  constructor(options: DropdownOptions<T>) {
    const pairs = (options?.options ?? []).map((option) => (typeof option === "string" ? ([option, option] as unknown as [string, T]) : ([option[0], option[1]] as [string, T])));
    if (pairs.length === 0) throw new TraitError("Dropdown needs at least one option");
    const values = pairs.map(([, value]) => value);
    const { options: _options, value, ...rest } = options;
    const index = value === undefined || value === null ? 0 : values.indexOf(value);
    if (index < 0) throw new TraitError(`Dropdown: value ${JSON.stringify(value)} is not among the options`);
    super(dropdownSpec, dropdownTraits, withParts({ ...rest, _optionsLabels: pairs.map(([label]) => label), index }, { layout: () => new Layout(), style: () => new Style("DescriptionStyle") }));
    this.values = values;
    this.labels = pairs.map(([label]) => label);
  }

  /** The selected option's value (null when nothing is selected). */
  get value(): T | null {
    const index = this.get("index") as number | null;
    return index === null ? null : (this.values[index] ?? null);
  }

  set value(value: T | null) {
    const index = value === null ? null : this.values.indexOf(value);
    if (index !== null && index < 0) throw new TraitError(`Dropdown: value ${JSON.stringify(value)} is not among the options`);
    this.set({ index });
  }

  /** The selected option's label. */
  get label(): string | null {
    const index = this.get("index") as number | null;
    return index === null ? null : (this.labels[index] ?? null);
  }

  /** `Dropdown(value=16, options=['8', '16', '32'], description='micro-batch')`. */
  protected override reprFields(): [string, unknown][] {
    const rest = super.reprFields().filter(([name]) => name !== "index");
    return [["value", this.value], ["options", this.labels], ...rest];
  }

  protected override validate(): void {
    const index = this.get("index") as number | null;
    const count = (this.get("_optionsLabels") as string[]).length;
    if (index !== null && (index < 0 || index >= count)) throw new TraitError(`Dropdown: index ${index} is outside the ${count} options`);
  }
}
defineAccessors(Dropdown, Object.keys(dropdownTraits));

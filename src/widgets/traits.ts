// A widget's synced attributes ("traits"): the camelCase name a cell uses, the snake_case key the
// front end knows, its kind, and its default. Values are checked here, whoever sets them.

export type TraitKind =
  | "int"
  | "float"
  | "bool"
  | "string"
  | "nullableString"
  | "nullableInt"
  | "nullableBool"
  /** A reference to another widget ("IPY_MODEL_<id>" on the wire). */
  | "widget"
  /** A list of widget references (a box's children). */
  | "widgets"
  /** A list of strings (a dropdown's labels). */
  | "strings"
  /** Any JSON (an Output widget's outputs). */
  | "json";

export interface TraitSpec {
  /** The state key the front end uses. */
  key: string;
  kind: TraitKind;
  default: unknown;
  /** For string traits that take one of a few values. */
  choices?: readonly string[];
}

export type TraitTable = Record<string, TraitSpec>;

/** A value that does not fit its trait. */
export class TraitError extends TypeError {
  override name = "TraitError";
}

export function trait(key: string, kind: TraitKind, defaultValue: unknown, choices?: readonly string[]): TraitSpec {
  return choices ? { key, kind, default: defaultValue, choices } : { key, kind, default: defaultValue };
}

/** `value` checked against `spec` (ints must be whole, floats finite); throws TraitError naming both. */
export function checkTrait(owner: string, name: string, spec: TraitSpec, value: unknown, isWidget: (v: unknown) => boolean): unknown {
  const fail = (expected: string): never => {
    throw new TraitError(`${owner}.${name} must be ${expected}, got ${describe(value)}`);
  };
  const nullable = spec.kind === "nullableString" || spec.kind === "nullableInt" || spec.kind === "nullableBool";
  if (value === null && nullable) return null;
  switch (spec.kind) {
    case "int":
    case "nullableInt":
      if (typeof value !== "number" || !Number.isInteger(value)) fail("a whole number");
      return value;
    case "float":
      if (typeof value !== "number" || !Number.isFinite(value)) fail("a finite number");
      return value;
    case "bool":
    case "nullableBool":
      if (typeof value !== "boolean") fail("true or false");
      return value;
    case "string":
    case "nullableString":
      if (typeof value !== "string") fail("a string");
      if (spec.choices && !spec.choices.includes(value as string)) fail(`one of ${spec.choices.map((c) => `'${c}'`).join(", ")}`);
      return value;
    case "widget":
      if (!isWidget(value)) fail("a widget");
      return value;
    case "widgets":
      if (!Array.isArray(value) || !value.every(isWidget)) fail("a list of widgets");
      return [...(value as unknown[])];
    case "strings":
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) fail("a list of strings");
      return [...(value as string[])];
    case "json":
      return value;
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  if (typeof value === "object" && value !== null) return value.constructor?.name ?? "object";
  return String(value);
}

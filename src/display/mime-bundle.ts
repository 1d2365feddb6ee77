import { inspect } from "node:util";

/** A Jupyter MIME bundle: MIME type to content ("text/plain" is always present in ours). */
export type MimeBundle = Record<string, unknown>;

/** The display protocol Deno's kernel uses: an object answers with its own MIME bundle. */
export const jupyterDisplay: unique symbol = Symbol.for("Jupyter.display") as never;

/** Anything that renders itself. */
export interface Displayable {
  [jupyterDisplay](): MimeBundle;
}

export function isDisplayable(value: unknown): value is Displayable {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as Record<symbol, unknown>)[jupyterDisplay] === "function"
  );
}

/**
 * The MIME bundle of any value: its own when it is displayable, else `text/plain` from util.inspect.
 * Empty (`{}`) only for values that choose to show nothing.
 */
export function toMimeBundle(value: unknown): MimeBundle {
  if (isDisplayable(value)) {
    const bundle = value[jupyterDisplay]();
    // An empty bundle means "show nothing" (like Python's None): display handles answer it, so a
    // cell ending in `display(x)` shows x once, not also the handle. The kernel sends no result for it.
    if (Object.keys(bundle).length === 0) return bundle;
    // Every bundle keeps a text/plain so terminals, diffs and nbval have something to compare.
    if (typeof bundle["text/plain"] !== "string") {
      return { ...bundle, "text/plain": inspect(value, { depth: 2 }) };
    }
    return bundle;
  }
  const text = typeof value === "string" ? `'${value}'` : inspect(value, { depth: 4, maxArrayLength: 100 });
  return { "text/plain": text };
}

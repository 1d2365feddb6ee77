// Options objects are checked key by key: a misspelt or unsupported option (say `collate_fn` or a
// PyTorch keyword tsgrad lacks) is an error naming it, never silently ignored.
import { ArgumentError } from "./errors.js";

/** Throws when `opts` is not an object or has a key outside `allowed`; `what` names the call. */
export function checkOptions(opts: unknown, allowed: readonly string[], what: string): void {
  if (opts === undefined) return;
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) {
    throw new ArgumentError(`${what}: options must be an object, got ${opts === null ? "null" : Array.isArray(opts) ? "an array" : typeof opts}`);
  }
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) {
      throw new ArgumentError(`${what}: unknown option "${key}" (expected ${allowed.length > 0 ? allowed.join(", ") : "no options"})`);
    }
  }
}

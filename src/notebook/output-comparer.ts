// nbval's comparison of a cell's re-executed outputs with the saved ones: outputs flattened into
// fields (MIME types, stream names, ename/evalue...), each field's values compared in order after sanitising.
import { createHash } from "node:crypto";
import type { IStream } from "@jupyterlab/nbformat";
import { foldOverwrites } from "./cell-outputs.js";
import { toJupyterJson } from "./ipynb-json.js";
import type { Output } from "./notebook-file.js";
import { unifiedDiff } from "./text-diff.js";

/** nbval's default skip list: fields never compared. Images are not compared (nbval compares them only with --nbdime). */
export const DEFAULT_SKIP_COMPARE: readonly string[] = [
  "metadata",
  "traceback",
  "prompt_number",
  "output_type",
  "name",
  "execution_count",
  "application/vnd.jupyter.widget-view+json",
  "image/png",
  "image/jpeg",
];

export interface CompareOptions {
  sanitize: (value: unknown) => unknown;
  skip: ReadonlySet<string>;
}

export interface OutputMismatch {
  /** The field that differs, e.g. "text/plain", "stdout", "evalue". */
  field: string;
  kind: "missing" | "unexpected" | "count" | "value";
  /** Readable explanation with a diff. */
  report: string;
}

/** Merges every stream of the same name into its first occurrence and applies `\r`/`\b`, as nbval does before comparing. */
export function coalesceStreams(outputs: readonly Output[]): Output[] {
  const merged: Output[] = [];
  const streams = new Map<string, IStream>();
  for (const output of outputs) {
    if (output.output_type !== "stream") {
      merged.push(output);
      continue;
    }
    const stream = output as IStream;
    const first = streams.get(stream.name);
    if (first) first.text = String(first.text) + String(stream.text);
    else {
      const copy = { ...stream, text: String(stream.text) };
      streams.set(stream.name, copy);
      merged.push(copy);
    }
  }
  for (const stream of streams.values()) stream.text = foldOverwrites(String(stream.text));
  return merged;
}

/** Output fields and their values in output order; a stream becomes a field named after it (stdout/stderr). */
function flatten(outputs: readonly Output[], options: CompareOptions): Map<string, unknown[]> {
  const fields = new Map<string, unknown[]>();
  const add = (key: string, value: unknown) => {
    if (options.skip.has(key)) return;
    fields.set(key, [...(fields.get(key) ?? []), options.sanitize(value)]);
  };
  for (const output of coalesceStreams(outputs)) {
    if (output.output_type === "stream") {
      add(String(output.name), output.text);
      continue;
    }
    for (const [key, value] of Object.entries(output)) {
      if (options.skip.has(key)) continue;
      if (key === "data" && value && typeof value === "object") {
        for (const [mime, data] of Object.entries(value)) add(mime, data);
      } else add(key, value);
    }
  }
  return fields;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Text for a report: long base64 payloads shortened to a hash, as nbval's `_trim_base64`. */
export function displayValue(value: unknown): string {
  const text = typeof value === "string" ? value : toJupyterJson(value);
  if (text.length > 64 && BASE64.test(text.replaceAll("\n", ""))) {
    const md5 = createHash("md5").update(text).digest("hex");
    return `${text.slice(0, 8)}...<snip base64, md5=${md5.slice(0, 16)}...>`;
  }
  return text;
}

function same(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === "object" && typeof b === "object" && toJupyterJson(a) === toJupyterJson(b));
}

/** Compares test outputs with reference outputs as nbval does; undefined when they agree. */
export function compareOutputs(test: readonly Output[], reference: readonly Output[], options: CompareOptions): OutputMismatch | undefined {
  const testFields = flatten(test, options);
  const referenceFields = flatten(reference, options);
  const missing = [...referenceFields.keys()].filter((key) => !testFields.has(key));
  if (missing.length > 0) {
    const field = missing[0]!;
    const shown = referenceFields.get(field)!.map(displayValue).join("\n");
    return { field, kind: "missing", report: `Missing output fields from running code: ${missing.join(", ")}\nsaved '${field}' was:\n${shown}` };
  }
  const unexpected = [...testFields.keys()].filter((key) => !referenceFields.has(key));
  if (unexpected.length > 0) {
    const field = unexpected[0]!;
    const shown = testFields.get(field)!.map(displayValue).join("\n");
    return { field, kind: "unexpected", report: `Unexpected output fields from running code: ${unexpected.join(", ")}\nnew '${field}' is:\n${shown}` };
  }
  for (const [field, referenceValues] of referenceFields) {
    const testValues = testFields.get(field)!;
    if (testValues.length !== referenceValues.length) {
      const diff = unifiedDiff(referenceValues.map(displayValue).join("\n"), testValues.map(displayValue).join("\n"), {
        reference: `reference '${field}' (${referenceValues.length} outputs)`,
        test: `test '${field}' (${testValues.length} outputs)`,
      });
      return { field, kind: "count", report: `dissimilar number of outputs for '${field}': ${referenceValues.length} saved, ${testValues.length} now\n${diff}` };
    }
    for (let i = 0; i < referenceValues.length; i++) {
      if (same(referenceValues[i], testValues[i])) continue;
      const diff = unifiedDiff(displayValue(referenceValues[i]), displayValue(testValues[i]), {
        reference: `reference '${field}' (saved in the notebook)`,
        test: `test '${field}' (re-executed)`,
      });
      return { field, kind: "value", report: `mismatch '${field}'\n${diff}` };
    }
  }
  return undefined;
}

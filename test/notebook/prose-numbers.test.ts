// The lessons' prose quotes only numbers the notebooks print: every decimal number in a markdown cell
// (2.64, 0.0651, 1.19e-7, 1,088.0) must appear in the saved outputs or in the code cells (a
// parameter the reader can see, such as lr 0.01). Catches prose left behind when an output changes.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const notebooksDir = fileURLToPath(new URL("../../notebooks/", import.meta.url));
const notebooks = readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).sort();

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: { output_type: string; text?: string | string[]; data?: Record<string, unknown> }[];
}
/** The numbers written in `text` (decimals and integers, with thousands separators dropped). */
const numbersIn = (text: string): string[] => [...text.matchAll(/(?<![\w.])\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?/g)].map((m) => m[0].replace(/,/g, ""));
/**
 * Whether `quoted` is one of `printed`, whole or rounded: 2.29 quotes a printed 2.2888 (a rounding to
 * fewer decimals), not 2.2808, and 2.30 is not found inside 12.301.
 */
function quotes(printed: readonly string[], quoted: string): boolean {
  const q = quoted.replace(/,/g, "");
  if (/e/.test(q)) return printed.includes(q);
  const decimals = q.split(".")[1]?.length ?? 0;
  return printed.some((p) => p === q || (!/e/.test(p) && (p.split(".")[1]?.length ?? 0) > decimals && Number(p).toFixed(decimals) === q));
}
const joined = (v: unknown): string => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : JSON.stringify(v));

/** Decimal numbers quoted in prose: code spans and fenced code left out. */
export function proseNumbers(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`]*`/g, "");
  return [...prose.matchAll(/(?<![\w.])\d[\d,]*\.\d+(?:e[-+]?\d+)?/g)].map((m) => m[0]);
}

describe("the prose of each lesson quotes its own outputs", () => {
  it("finds the decimal numbers of a sentence, not those in code, and matches them whole", () => {
    expect(quotes(numbersIn("loss 2.3155"), "2.30")).toBe(false);
    expect(quotes(numbersIn("loss 12.30"), "2.30")).toBe(false);
    expect(quotes(numbersIn("ln 10 = 2.30, accuracy"), "2.30")).toBe(true);
    expect(quotes(numbersIn("loss 2.2988"), "2.30")).toBe(true);
    expect(quotes(numbersIn("total 1088.0 GiB"), "1,088.0")).toBe(true);
    expect(quotes(numbersIn("difference 2.24e-8"), "2.24e-8")).toBe(true);
    expect(proseNumbers("falls from 205.5 KiB to 1,088.0 GiB, 7.37× (eps 1.19e-7); `lr 0.8` and\n```ts\nx = 0.5\n```")).toEqual(["205.5", "1,088.0", "7.37", "1.19e-7"]);
  });

  it.each(notebooks)("%s", (name) => {
    const cells = (JSON.parse(readFileSync(join(notebooksDir, name), "utf8")) as { cells: Cell[] }).cells;
    const printed = cells
      .flatMap((c) => c.outputs ?? [])
      .map((o) => (o.output_type === "stream" ? joined(o.text) : Object.entries(o.data ?? {}).filter(([mime]) => mime.startsWith("text/") || mime === "image/svg+xml").map(([, v]) => joined(v)).join("\n")))
      .join("\n");
    const code = cells.filter((c) => c.cell_type === "code").map((c) => joined(c.source)).join("\n");
    const shown = [...numbersIn(printed), ...numbersIn(code)];
    expect(printed.length, `${name} has no saved outputs: run it`).toBeGreaterThan(0);
    const unprinted = cells
      .filter((c) => c.cell_type === "markdown")
      .flatMap((c) => proseNumbers(joined(c.source)))
      .filter((n) => !quotes(shown, n));
    expect(unprinted, `${name}: numbers in the prose that no output prints`).toEqual([]);
  });
});

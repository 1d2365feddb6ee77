// The shipped first names (data/female-first-names-en.txt, data/male-first-names-en.txt): a small
// real text set of variable-length sequences, for character-level models and masked per-token losses.
import { readFileSync } from "node:fs";

/** Shipped with the package (see data/README.md): Moby Word II via stdlib, public domain (PDDL 1.0 / CC0 1.0). */
const NAME_FILES = ["female-first-names-en.txt", "male-first-names-en.txt"].map((f) => new URL(`../../data/${f}`, import.meta.url));

let cached: readonly string[] | undefined;

/**
 * English first names, female and male lists merged: lowercased, letters a–z only (the 19 names with a
 * hyphen, apostrophe or space are left out), each name once, sorted. The same list on every machine.
 */
export function firstNames(): string[] {
  if (!cached) {
    const all = NAME_FILES.flatMap((file) => readFileSync(file, "utf8").split("\n"));
    const names = new Set(all.map((n) => n.trim().toLowerCase()).filter((n) => /^[a-z]+$/.test(n)));
    cached = [...names].sort();
  }
  return [...cached];
}

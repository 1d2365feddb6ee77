import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { firstNames } from "../../src/data/index.js";

const file = (name: string) => readFileSync(new URL(`../../data/${name}`, import.meta.url));

describe("firstNames (Moby Word II names shipped in data/)", () => {
  it("ships the two lists byte for byte as data/README.md records them", () => {
    const readme = readFileSync(new URL("../../data/README.md", import.meta.url), "utf8");
    for (const name of ["female-first-names-en.txt", "male-first-names-en.txt"]) {
      const sha = createHash("sha256").update(file(name)).digest("hex");
      expect(readme, `${name} SHA-256 in data/README.md`).toContain(sha);
    }
  });

  it("merges them into lowercase a–z names, each once, sorted, and the same list every call", () => {
    const names = firstNames();
    const raw = ["female-first-names-en.txt", "male-first-names-en.txt"].flatMap((n) => file(n).toString("utf8").trim().split("\n"));
    expect(raw).toHaveLength(8849);
    expect(names.every((n) => /^[a-z]+$/.test(n))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([...names].sort());
    // Both lists, overlaps once: "jean" is in both, "ann-marie" (hyphen) is left out.
    expect(names).toContain("jean");
    expect(names).toContain("zuzana");
    expect(names).toContain("aaron");
    expect(names).not.toContain("ann-marie");
    expect(names.length).toBe(new Set(raw.map((n) => n.toLowerCase()).filter((n) => /^[a-z]+$/.test(n))).size);
    expect(Math.min(...names.map((n) => n.length))).toBeGreaterThanOrEqual(2);
    names.pop();
    expect(firstNames()).toContain("zuzana");
  });
});

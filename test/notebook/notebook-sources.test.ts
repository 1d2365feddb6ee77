// The committed lessons are built from notebooks/src/*.md (scripts/build-notebooks.js) and then
// executed: their cells (sources, kinds, ids, tags) must still be what the sources build, so an edit
// made to only one of the two is caught. Outputs and the kernel's language_info are not compared.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const notebooksDir = join(repo, "notebooks");
const sources = readdirSync(join(notebooksDir, "src")).filter((f) => f.endsWith(".md")).map((f) => f.slice(0, -3)).sort();

interface StoredCell {
  cell_type: string;
  id?: string;
  metadata: { tags?: string[] };
  source: string | string[];
}
interface StoredNotebook {
  cells: StoredCell[];
  metadata: { kernelspec?: unknown };
}

/** What the build decides: per cell its kind, id, source text and tags; the notebook's kernelspec. */
function buildView(path: string) {
  const nb = JSON.parse(readFileSync(path, "utf8")) as StoredNotebook;
  return {
    kernelspec: nb.metadata.kernelspec,
    cells: nb.cells.map((c) => ({
      id: c.id,
      type: c.cell_type,
      tags: c.metadata.tags ?? [],
      source: Array.isArray(c.source) ? c.source.join("") : c.source,
    })),
  };
}

describe("notebooks/*.ipynb are built from notebooks/src/*.md", () => {
  let built: string;

  beforeAll(() => {
    built = mkdtempSync(join(tmpdir(), "tsgrad-built-notebooks-"));
    const run = spawnSync(process.execPath, [join(repo, "scripts/build-notebooks.js"), "--out", built], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`build-notebooks.js --out failed:\n${run.stderr}`);
  });

  afterAll(() => {
    if (built) rmSync(built, { recursive: true, force: true });
  });

  it("has one committed notebook per source, and no notebook without a source", () => {
    expect(sources.length).toBeGreaterThan(0);
    const committed = readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).map((f) => f.slice(0, -6)).sort();
    expect(committed).toEqual(sources);
    expect(readdirSync(built).sort()).toEqual(sources.map((name) => `${name}.ipynb`));
  });

  it.each(sources)("%s.ipynb matches its source", (name) => {
    const hint = `${name}: rebuild it (node scripts/build-notebooks.js ${name}) and execute it (node bin/tsgrad.js run notebooks/${name}.ipynb --inplace)`;
    const expected = buildView(join(built, `${name}.ipynb`));
    const actual = buildView(join(notebooksDir, `${name}.ipynb`));
    expect(expected.cells.length).toBeGreaterThan(0);
    expect(actual.kernelspec, hint).toEqual(expected.kernelspec);
    expect(actual.cells, hint).toEqual(expected.cells);
  });
});

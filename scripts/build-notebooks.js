#!/usr/bin/env node
// Builds notebooks/NAME.ipynb from the readable source notebooks/src/NAME.md: prose stays markdown,
// each ```ts fence becomes a code cell (```ts tags=nbval-ignore-output,other for cell tags).
// Outputs start empty; `node bin/tsgrad.js run notebooks/*.ipynb --inplace` executes and saves them.
// Usage: node scripts/build-notebooks.js [--out DIR] [NAME...]   (default: every notebooks/src/*.md
// into notebooks/; --out writes them to DIR instead, e.g. to compare with the committed ones)
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const srcDir = join(root, "notebooks", "src");

/** Splits a source into lines the way nbformat stores them: each keeps its "\n" but the last. */
function sourceLines(text) {
  const lines = text.split("\n");
  return lines.map((line, i) => (i < lines.length - 1 ? line + "\n" : line)).filter((line) => line !== "");
}

/** Markdown and code cells of one .md source, in order. */
export function parseCells(markdown) {
  const cells = [];
  let prose = [];
  let code = null;
  const flushProse = () => {
    const text = prose.join("\n").trim();
    if (text) cells.push({ kind: "markdown", text });
    prose = [];
  };
  for (const line of markdown.split("\n")) {
    if (code === null) {
      const open = /^```ts\b(.*)$/.exec(line);
      if (open) {
        flushProse();
        const tags = /tags=(\S+)/.exec(open[1])?.[1].split(",") ?? [];
        code = { kind: "code", lines: [], tags };
      } else {
        prose.push(line);
      }
    } else if (line === "```") {
      cells.push({ kind: "code", text: code.lines.join("\n").trim(), tags: code.tags });
      code = null;
    } else {
      code.lines.push(line);
    }
  }
  if (code !== null) throw new Error("unclosed ```ts fence");
  flushProse();
  return cells;
}

function notebookJson(name, cells) {
  const prefix = name.slice(0, 2);
  return {
    cells: cells.map((cell, i) => {
      const id = `nb${prefix}-${String(i).padStart(2, "0")}`;
      if (cell.kind === "markdown") return { cell_type: "markdown", id, metadata: {}, source: sourceLines(cell.text) };
      return {
        cell_type: "code",
        execution_count: null,
        id,
        metadata: cell.tags.length ? { tags: cell.tags } : {},
        outputs: [],
        source: sourceLines(cell.text),
      };
    }),
    metadata: {
      kernelspec: { display_name: "TypeScript (tsgrad)", language: "typescript", name: "tsgrad" },
      language_info: { name: "typescript" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

const args = process.argv.slice(2);
const outAt = args.indexOf("--out");
if (outAt >= 0 && args[outAt + 1] === undefined) throw new Error("--out needs a directory");
const outDir = outAt >= 0 ? resolve(args.splice(outAt, 2)[1]) : join(root, "notebooks");
const names = args.length
  ? args.map((n) => basename(n).replace(/\.(md|ipynb)$/, ""))
  : readdirSync(srcDir).filter((f) => f.endsWith(".md")).map((f) => f.slice(0, -3)).sort();
for (const name of names) {
  const cells = parseCells(readFileSync(join(srcDir, `${name}.md`), "utf8"));
  const out = join(outDir, `${name}.ipynb`);
  writeFileSync(out, JSON.stringify(notebookJson(name, cells), null, 1) + "\n");
  console.log(`${out}: ${cells.length} cells`);
}

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { splitLinesKeepEnds, toJupyterJson } from "../../src/notebook/ipynb-json.js";
import { formatNotebook, parseNotebook } from "../../src/notebook/notebook-file.js";
import { FIXTURES } from "./jupyter-available.js";

describe("ipynb format", () => {
  it("splits lines as Python's splitlines(keepends=True)", () => {
    expect(splitLinesKeepEnds("a\nb\r\nc\rd")).toEqual(["a\n", "b\r\n", "c\r", "d"]);
    expect(splitLinesKeepEnds("x\n")).toEqual(["x\n"]);
    expect(splitLinesKeepEnds("")).toEqual([]);
  });

  it("writes JSON like json.dumps(indent=1, sort_keys=True, ensure_ascii=False)", () => {
    expect(toJupyterJson({ b: [1, {}], a: "é\u0001", c: [] })).toBe('{\n "a": "é\\u0001",\n "b": [\n  1,\n  {}\n ],\n "c": []\n}');
  });

  it("reads and rewrites a notebook written by nbformat byte for byte", async () => {
    const text = await readFile(join(FIXTURES, "python-executed.ipynb"), "utf8");
    const notebook = parseNotebook(text);
    const code = notebook.cells[1]!;
    expect(code.source).toBe("print('hello')\nprint('world')");
    expect(formatNotebook(notebook)).toBe(text);
  });

  it("gives cells without ids fresh unique ids and upgrades to 4.5", () => {
    const notebook = parseNotebook(
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 2,
        metadata: {},
        cells: [
          { cell_type: "markdown", metadata: {}, source: ["# t"] },
          { cell_type: "code", metadata: {}, source: "1", outputs: [], execution_count: null, id: "dup" },
          { cell_type: "code", metadata: {}, source: "2", outputs: [], execution_count: null, id: "dup" },
        ],
      }),
    );
    const ids = notebook.cells.map((cell) => cell.id as string);
    expect(notebook.nbformat_minor).toBe(5);
    expect(new Set(ids).size).toBe(3);
    expect(ids[1]).toBe("dup");
    for (const id of ids) expect(id).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
  });

  it("refuses nbformat 3", () => {
    expect(() => parseNotebook(JSON.stringify({ nbformat: 3, cells: [] }), "old.ipynb")).toThrow(/old.ipynb: nbformat 3/);
  });
});

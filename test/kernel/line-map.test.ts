// Statement markers survive tslab's two emits and map JavaScript positions back to cell lines.
import { describe, expect, it } from "vitest";
import { LineMap, markStatements, unmarkColumn } from "../../src/kernel/line-map.js";

describe("cell line mapping", () => {
  it("marks each statement with its first and last line and column, inside strings never", () => {
    const cell = 'const s = "/* not a statement */";\nif (s) {\n  f(\n    1);\n}';
    const marked = markStatements(cell);
    expect(marked.code).toBe('/*@L1-1:1*/const s = "/* not a statement */";\n/*@L2-5:1*/if (s) {\n  /*@L3-4:3*/f(\n    1);\n}');
    // Removing the markers gives the cell back.
    expect(marked.code.replace(/\/\*@L[^*]*\*\//g, "")).toBe(cell);
  });

  it("maps diagnostic columns in the marked text back to the user's columns", () => {
    const marked = markStatements("let a = 1; let b: number = 'x';");
    const at = marked.code.indexOf("b:");
    expect(unmarkColumn(marked, 0, at)).toBe("let a = 1; let ".length);
  });

  it("finds the statement of a JavaScript line, also within multi-line statements", () => {
    const js = ["(function () { /*@L1-1:1*/ const a = 1;", "/*@L4-6:1*/ f(", "  2);", "/*@L9-9:3*/ g();", "})()"].join("\n");
    const map = new LineMap(js);
    expect(map.toCell(1, 5)).toBeUndefined();
    expect(map.toCell(2, 13)).toEqual({ line: 4, column: 1 });
    expect(map.toCell(3, 3)).toEqual({ line: 5, column: 3 });
    expect(map.toCell(4, 15)).toEqual({ line: 9, column: 5 });
  });
});

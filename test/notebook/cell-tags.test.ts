import { describe, expect, it } from "vitest";
import { nbvalOptions } from "../../src/notebook/cell-tags.js";
import type { CodeCell } from "../../src/notebook/notebook-file.js";

function cell(source: string, tags?: string[]): CodeCell {
  return { cell_type: "code", source, metadata: tags ? { tags } : {}, outputs: [], execution_count: null };
}

describe("nbval cell options", () => {
  it("reads nbval's tags", () => {
    expect(nbvalOptions(cell("x", ["nbval-ignore-output"]))).toEqual({ check: false, checkException: false, skip: false });
    expect(nbvalOptions(cell("x", ["nbval-check-output"]))).toEqual({ check: true, checkException: false, skip: false });
    expect(nbvalOptions(cell("x", ["nbval-skip"]))).toEqual({ check: undefined, checkException: false, skip: true });
    expect(nbvalOptions(cell("x", ["raises-exception"])).checkException).toBe(true);
    expect(nbvalOptions(cell("x", ["nbval-raises-exception"])).checkException).toBe(true);
    expect(nbvalOptions(cell("x", ["unrelated"]))).toEqual({ check: undefined, checkException: false, skip: false });
  });

  it("reads marker comments in # and // form, which win over tags", () => {
    expect(nbvalOptions(cell("# NBVAL_SKIP\nraise"))).toMatchObject({ skip: true });
    expect(nbvalOptions(cell("const a = 1;\n  // NBVAL_IGNORE_OUTPUT\na"))).toMatchObject({ check: false });
    expect(nbvalOptions(cell("// NBVAL_CHECK_OUTPUT", ["nbval-ignore-output"]))).toMatchObject({ check: true });
    expect(nbvalOptions(cell("#NBVAL_RAISES_EXCEPTION"))).toMatchObject({ checkException: true });
    expect(nbvalOptions(cell("print('# NBVAL_SKIP')"))).toMatchObject({ skip: false });
  });
});

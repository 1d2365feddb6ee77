import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyRule, parseSanitizeFile, pythonRegex, sanitizerFor } from "../../src/notebook/sanitizer.js";
import { FIXTURES } from "./jupyter-available.js";

describe("nbval sanitize file", () => {
  it("reads regex/replace pairs under [section] headers, in order", async () => {
    const rules = parseSanitizeFile(await readFile(join(FIXTURES, "nbval-sanitize.cfg"), "utf8"));
    expect(rules.map((rule) => [rule.pattern, rule.replacement])).toEqual([
      ["run at \\d+(\\.\\d+)?", "run at TIME"],
      ["0x[0-9a-f]+", "0xADDRESS"],
    ]);
    const sanitize = sanitizerFor(rules);
    expect(sanitize("run at 1795604976.5 <object at 0x7fe7ef24d230> and 0xab\n")).toBe("run at TIME <object at 0xADDRESS> and 0xADDRESS\n");
    expect(sanitize(42)).toBe(42);
  });

  it("ignores lines that are not a regex line directly followed by a replace line; a repeated regex keeps its last replacement", () => {
    const rules = parseSanitizeFile("regex: a\n\nreplace: b\nregex: c\r\nreplace: d\r\nregex: c\nreplace: e\n");
    expect(rules.map((rule) => [rule.pattern, rule.replacement])).toEqual([["c", "e"]]);
  });

  it("replaces like Python's re.sub: every match, \\1 and \\g<name> groups, Python $ before a final newline", () => {
    const rule = (pattern: string, replacement: string) => ({ pattern, replacement, regex: pythonRegex(pattern) });
    expect(applyRule(rule("(\\d+)-(\\d+)", "\\2-\\1"), "1-2 3-4")).toBe("2-1 4-3");
    expect(applyRule(rule("(?P<word>[a-z]+)=(?P=word)", "\\g<word>!"), "ab=ab cd=ce")).toBe("ab! cd=ce");
    expect(applyRule(rule("end$", "END"), "the end\n")).toBe("the END\n");
    expect(applyRule(rule("(?i)loss", "L"), "Loss LOSS")).toBe("L L");
    expect(applyRule(rule("[]x]", "_"), "a]x")).toBe("a__");
    expect(applyRule(rule("\\Aa", "b"), "aa")).toBe("ba");
    expect(applyRule(rule("cost", "$1 \\\\n"), "cost")).toBe("$1 \\n");
  });
});

// Interrupt checks inserted into a cell's loops.
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { instrumentLoops } from "../../src/kernel/loop-checks.js";

const check = "c();";

/** Runs instrumented code with a `c` that counts and throws after `limit` checks. */
function runCounting(code: string, limit = Infinity): { checks: number; result: unknown; error?: string } {
  let checks = 0;
  const c = (): void => {
    if (++checks > limit) throw new Error("interrupted");
  };
  try {
    const result: unknown = vm.runInNewContext(instrumentLoops(code, check), { c });
    return { checks, result };
  } catch (error) {
    return { checks, result: undefined, error: (error as Error).message };
  }
}

describe("instrumentLoops", () => {
  it("leaves code without loops as it is", () => {
    const code = "exports.x = 1 + 1; const format = 'do not fork';";
    expect(instrumentLoops(code, check)).toBe(code);
  });

  it("checks once per iteration of every kind of loop, with the same results", () => {
    const cases: [string, unknown, number][] = [
      ["let s = 0; for (let i = 0; i < 5; i++) { s += i; } s", 10, 5],
      ["let s = 0; for (let i = 0; i < 5; i++) s += i; s", 10, 5],
      ["let s = 0; for (const x of [1, 2, 3]) s += x; s", 6, 3],
      ["let s = ''; for (const k in { a: 1, b: 2 }) { s += k; } s", "ab", 2],
      ["let i = 0; while (i < 4) i++; i", 4, 4],
      ["let i = 0; do i++; while (i < 3); i", 3, 3],
      ["let i = 0; do { i++; } while (i < 3); i", 3, 3],
      ["let n = 0; for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) n++; n", 6, 9],
      ["let n = 0; outer: for (let i = 0; i < 3; i++) { for (;;) { n++; continue outer; } } n", 3, 6],
      ["const f = () => { let k = 0; while (k < 2) { k++; } return k; }; f() + f()", 4, 4],
    ];
    for (const [code, result, checks] of cases) {
      expect({ code, ...runCounting(code) }).toEqual({ code, checks, result });
    }
  });

  it("breaks an endless loop when the check throws, and keeps every line where it was", () => {
    expect(runCounting("for (;;) {}", 1000)).toMatchObject({ checks: 1001, error: "interrupted" });
    expect(runCounting("while (true) ;", 10)).toMatchObject({ checks: 11, error: "interrupted" });
    const code = "/*@L1-3:1*/for (;;) {\n  /*@L2-2:3*/x();\n}\nwhile (a)\n  b();";
    const out = instrumentLoops(code, check);
    expect(out.split("\n").length).toBe(code.split("\n").length);
    expect(out.split("\n")[1]).toBe(code.split("\n")[1]);
    expect(out).toBe("/*@L1-3:1*/for (;;) {c();\n  /*@L2-2:3*/x();\n}\nwhile (a)\n  {c();b();}");
  });
});

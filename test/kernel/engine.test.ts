// The engine adapter: small pure pieces, and how a cell's script is bracketed for interrupts.
import { describe, expect, it } from "vitest";
import { asFunction, Engine } from "../../src/kernel/engine.js";
import type { InterruptSource } from "../../src/kernel/engine.js";
import { createConverter } from "../../src/kernel/tslab.js";

describe("preloaded functions in inspect", () => {
  it("reads a global function variable as a function declaration", () => {
    expect(asFunction("var zeros: (shape: readonly number[], opts?: TensorOptions) => Tensor")).toBe(
      "function zeros(shape: readonly number[], opts?: TensorOptions): Tensor",
    );
    expect(asFunction("var pick: <T>(xs: T[], f: (x: T) => boolean) => T | undefined")).toBe(
      "var pick: <T>(xs: T[], f: (x: T) => boolean) => T | undefined",
    );
    expect(asFunction("var f: (g: (x: number) => number) => Map<string, number>")).toBe(
      "function f(g: (x: number) => number): Map<string, number>",
    );
    expect(asFunction("var nn: typeof nn")).toBe("var nn: typeof nn");
    expect(asFunction("const x: number")).toBe("const x: number");
  });
});

describe("the engine's signal region", () => {
  it("brackets a cell's script (sync, throwing, or up to its first await) and ends it before awaiting", async () => {
    const calls: string[] = [];
    const interrupts: InterruptSource = {
      interruptRequests: () => 0,
      enterSignalRegion: () => calls.push("enter"),
      leaveSignalRegion: () => calls.push("leave"),
      resetSignalRegion: () => calls.push("reset"),
      beginCell: () => {},
      endCell: () => {},
      breakFlag: new Int32Array(1),
      takeBreak: () => false,
    };
    const engine = new Engine(createConverter(), { cwd: process.cwd(), modules: new Map(), internalDirs: [], interrupts });
    (globalThis as Record<string, unknown>)["engineTestLog"] = calls;
    const log = "(globalThis as any).engineTestLog.push";

    expect(await engine.execute(`${log}("body"); 1 + 1`, "Cell In[1]")).toEqual({ status: "ok", hasValue: true, value: 2 });
    expect(calls.splice(0)).toEqual(["enter", "body", "leave", "reset"]);

    const thrown = await engine.execute(`${log}("body"); throw new Error("no")`, "Cell In[2]");
    expect(thrown).toMatchObject({ status: "error", evalue: "no" });
    expect(calls.splice(0)).toEqual(["enter", "body", "leave", "reset"]);

    const awaited = await engine.execute(`${log}("before"); await Promise.resolve(); ${log}("after"); 7`, "Cell In[3]");
    expect(awaited).toEqual({ status: "ok", hasValue: true, value: 7 });
    expect(calls.splice(0)).toEqual(["enter", "before", "leave", "reset", "after"]);
  });
});

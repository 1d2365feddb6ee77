// Small pure pieces of the engine adapter.
import { describe, expect, it } from "vitest";
import { asFunction } from "../../src/kernel/engine.js";

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

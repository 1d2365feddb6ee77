import { describe, expect, it } from "vitest";
import * as tsgrad from "../src/index.js";

describe("public entry", () => {
  it("exports the nn, optim and data namespaces", () => {
    expect(typeof tsgrad.nn).toBe("object");
    expect(typeof tsgrad.optim).toBe("object");
    expect(typeof tsgrad.data).toBe("object");
  });
});

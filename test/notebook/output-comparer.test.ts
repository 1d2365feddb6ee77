import { describe, expect, it } from "vitest";
import type { Output } from "../../src/notebook/notebook-file.js";
import { DEFAULT_SKIP_COMPARE, coalesceStreams, compareOutputs, displayValue } from "../../src/notebook/output-comparer.js";
import { sanitizerFor, parseSanitizeFile } from "../../src/notebook/sanitizer.js";
import { unifiedDiff } from "../../src/notebook/text-diff.js";

const plain = { sanitize: (value: unknown) => value, skip: new Set(DEFAULT_SKIP_COMPARE) };
const stdout = (text: string): Output => ({ output_type: "stream", name: "stdout", text });
const stderr = (text: string): Output => ({ output_type: "stream", name: "stderr", text });
const result = (data: Record<string, unknown>, count = 1): Output => ({ output_type: "execute_result", data, metadata: {}, execution_count: count }) as Output;
const display = (data: Record<string, unknown>, metadata = {}): Output => ({ output_type: "display_data", data, metadata }) as Output;

describe("nbval output comparison", () => {
  it("accepts equal outputs regardless of execution counts, metadata, images and stream splitting", () => {
    const saved = [stdout("a\nb\n"), result({ "text/plain": "3" }, 7), display({ "image/png": "AAAA", "text/plain": "<Figure>" }, { width: 3 })];
    const fresh = [stdout("a\n"), stdout("b\n"), result({ "text/plain": "3" }, 1), display({ "image/png": "BBBB", "text/plain": "<Figure>" })];
    expect(compareOutputs(fresh, saved, plain)).toBeUndefined();
  });

  it("compares text MIME types, stream text and error names/values, but not tracebacks", () => {
    expect(compareOutputs([result({ "text/html": "<b>1</b>" })], [result({ "text/html": "<b>2</b>" })], plain)?.field).toBe("text/html");
    expect(compareOutputs([display({ "image/svg+xml": "<svg/>" })], [display({ "image/svg+xml": "<svg></svg>" })], plain)?.field).toBe("image/svg+xml");
    expect(compareOutputs([stderr("warn 1\n")], [stderr("warn 2\n")], plain)?.field).toBe("stderr");
    const error = (evalue: string, traceback: string[]): Output => ({ output_type: "error", ename: "ValueError", evalue, traceback });
    expect(compareOutputs([error("bad", ["line 1"])], [error("bad", ["line 99"])], plain)).toBeUndefined();
    expect(compareOutputs([error("worse", [])], [error("bad", [])], plain)?.field).toBe("evalue");
  });

  it("reports missing, unexpected and extra outputs", () => {
    expect(compareOutputs([], [stdout("x\n")], plain)).toMatchObject({ kind: "missing", field: "stdout" });
    expect(compareOutputs([stdout("x\n"), result({ "text/plain": "1" })], [stdout("x\n")], plain)).toMatchObject({ kind: "unexpected", field: "text/plain" });
    const twice = compareOutputs([display({ "text/plain": "a" }), display({ "text/plain": "b" })], [display({ "text/plain": "a" })], plain);
    expect(twice).toMatchObject({ kind: "count", field: "text/plain" });
  });

  it("compares JSON MIME data structurally", () => {
    expect(compareOutputs([display({ "application/json": { a: 1, b: [2] } })], [display({ "application/json": { b: [2], a: 1 } })], plain)).toBeUndefined();
    expect(compareOutputs([display({ "application/json": { a: 1 } })], [display({ "application/json": { a: 2 } })], plain)?.field).toBe("application/json");
  });

  it("sanitises both sides before comparing", () => {
    const sanitize = sanitizerFor(parseSanitizeFile("regex: took \\d+ ms\nreplace: took N ms\n"));
    const options = { sanitize, skip: new Set(DEFAULT_SKIP_COMPARE) };
    expect(compareOutputs([stdout("took 12 ms\n")], [stdout("took 957 ms\n")], options)).toBeUndefined();
    expect(compareOutputs([stdout("took 12 ms\n")], [stdout("took 957 s\n")], plain)).toBeDefined();
  });

  it("shows a unified diff of the differing field", () => {
    const mismatch = compareOutputs([stdout("loss 0.5\nacc 0.9\nend\n")], [stdout("loss 0.4\nacc 0.9\nend\n")], plain);
    expect(mismatch?.report).toBe(
      [
        "mismatch 'stdout'",
        "--- reference 'stdout' (saved in the notebook)",
        "+++ test 'stdout' (re-executed)",
        "@@ -1,3 +1,3 @@",
        "-loss 0.4",
        "+loss 0.5",
        " acc 0.9",
        " end",
      ].join("\n"),
    );
  });

  it("coalesces streams by name and applies carriage returns and backspaces", () => {
    expect(coalesceStreams([stdout("10%\r"), stderr("w\n"), stdout("100%\n"), stdout("ab\bc\n")])).toEqual([stdout("100%\nac\n"), stderr("w\n")]);
  });

  it("shortens base64 payloads in reports", () => {
    expect(displayValue("iVBORw0K".repeat(20))).toMatch(/^iVBORw0K\.\.\.<snip base64, md5=[0-9a-f]{16}\.\.\.>$/);
    expect(displayValue("short")).toBe("short");
  });
});

describe("unified diff", () => {
  it("keeps hunks apart when changes are far from each other", () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n");
    const b = a.replace("line 2", "LINE 2").replace("line 17", "LINE 17");
    const diff = unifiedDiff(a, b);
    expect(diff.split("\n").filter((line) => line.startsWith("@@"))).toEqual(["@@ -1,6 +1,6 @@", "@@ -15,6 +15,6 @@"]);
    expect(unifiedDiff("same", "same")).toBe("");
  });
});

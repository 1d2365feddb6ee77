import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as cli from "../../src/notebook/notebook-commands.js";
import { type Notebook, isCodeCell, readNotebook, writeNotebook } from "../../src/notebook/notebook-file.js";
import { parseSanitizeFile } from "../../src/notebook/sanitizer.js";
import { type TestOptions, testNotebooks } from "../../src/notebook/test-command.js";
import { ZmqKernelProvider } from "../../src/notebook/zmq-kernel.js";
import { FIXTURES, hasIpykernel } from "./jupyter-available.js";
import { codeNotebookJson } from "./notebook-builder.js";

describe.skipIf(!hasIpykernel)("tsgrad test (nbval) against ipykernel", () => {
  let dir: string;
  const provider = new ZmqKernelProvider();
  let logged: string[];
  const options = (extra: Partial<TestOptions> = {}): TestOptions => ({
    provider,
    timeoutMs: 20_000,
    lax: false,
    sanitizeRules: [],
    log: (line) => logged.push(line),
    ...extra,
  });
  const sanitizeRules = async () => parseSanitizeFile(await readFile(join(FIXTURES, "nbval-sanitize.cfg"), "utf8"));

  /** A copy of a fixture notebook with `change` applied, in the temp dir. */
  async function copyWith(fixture: string, name: string, change: (notebook: Notebook) => void): Promise<string> {
    const notebook = await readNotebook(join(FIXTURES, fixture));
    change(notebook);
    const path = join(dir, name);
    await writeNotebook(path, notebook);
    return path;
  }
  function setStdout(notebook: Notebook, cellIndex: number, text: string): void {
    const cell = notebook.cells[cellIndex]!;
    if (!isCodeCell(cell)) throw new Error(`cell ${cellIndex} is not code`);
    const stream = cell.outputs.find((output) => output.output_type === "stream")!;
    stream.text = text;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tsgrad-nbval-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("passes an unchanged executed notebook", async () => {
    logged = [];
    const summary = await testNotebooks([join(FIXTURES, "python-executed.ipynb")], options());
    expect(summary).toMatchObject({ failed: 0, passed: 5, skipped: 0 });
  });

  it("fails a copy with one deliberately changed output, with a diff, and exits non-zero", async () => {
    const path = await copyWith("python-executed.ipynb", "changed.ipynb", (notebook) => setStdout(notebook, 1, "hello\nWORLD\n"));
    const stderr: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
    let code: number;
    try {
      code = await cli.test([path, "--timeout", "20"]);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(1);
    const output = stderr.join("");
    expect(output).toContain(`${path} :: cell 1 (cells[1], id `);
    expect(output).toContain("mismatch 'stdout'");
    expect(output).toContain("@@ -1,2 +1,2 @@\n hello\n-WORLD\n+world\n");
    expect(output).toMatch(/1 failed, 4 passed, 0 skipped/);
  });

  it("honours tags, comment markers and the sanitize file", async () => {
    logged = [];
    const withRules = await testNotebooks([join(FIXTURES, "python-nbval.ipynb")], options({ sanitizeRules: await sanitizeRules() }));
    expect(withRules.cells.map((cell) => cell.verdict)).toEqual(["passed", "passed", "skipped", "passed", "passed", "passed"]);
    logged = [];
    const without = await testNotebooks([join(FIXTURES, "python-nbval.ipynb")], options());
    expect(without.cells.map((cell) => cell.verdict)).toEqual(["passed", "failed", "skipped", "passed", "passed", "passed"]);
    expect(without.cells[1]!.report).toMatch(/mismatch 'stdout'[\s\S]*-run at \d/);
  });

  it("--lax compares only cells tagged nbval-check-output", async () => {
    const untagged = await copyWith("python-nbval.ipynb", "lax-untagged.ipynb", (notebook) => setStdout(notebook, 6, "changed\n"));
    const tagged = await copyWith("python-nbval.ipynb", "lax-tagged.ipynb", (notebook) => setStdout(notebook, 5, "41\n"));
    const rules = await sanitizeRules();
    logged = [];
    expect((await testNotebooks([untagged], options({ sanitizeRules: rules }))).failed).toBe(1);
    expect((await testNotebooks([untagged], options({ sanitizeRules: rules, lax: true }))).failed).toBe(0);
    const laxTagged = await testNotebooks([tagged], options({ sanitizeRules: rules, lax: true }));
    expect(laxTagged.failed).toBe(1);
    expect(laxTagged.cells.find((cell) => cell.verdict === "failed")!.index).toBe(5);
  });

  it("fails a cell that raises without raises-exception, showing the exception", async () => {
    const path = await copyWith("python-nbval.ipynb", "untagged-error.ipynb", (notebook) => {
      notebook.cells[4]!.metadata = {};
    });
    logged = [];
    const summary = await testNotebooks([path], options({ sanitizeRules: await sanitizeRules() }));
    expect(summary.failed).toBe(1);
    expect(summary.cells[3]!.report).toMatch(/^Cell execution caused an exception: ZeroDivisionError: division by zero/);
  });

  it("interrupts a cell past --timeout, reports it, and counts later failures as expected", async () => {
    const path = join(dir, "slow.ipynb");
    await writeFile(path, codeNotebookJson("python3", [{ source: "import time\ntime.sleep(60)", executionCount: 1 }, { source: "print('after')", executionCount: 2 }]));
    logged = [];
    const started = Date.now();
    const summary = await testNotebooks([path], options({ timeoutMs: 1000 }));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(summary.cells.map((cell) => cell.verdict)).toEqual(["failed", "xfailed"]);
    expect(summary.cells[0]!.report).toBe("Timeout of 1 s exceeded executing cell; it was interrupted");
  });

  it("reports a kernel that dies, and the cells it could not run", async () => {
    const path = join(dir, "dies.ipynb");
    await writeFile(path, codeNotebookJson("python3", [{ source: "import os\nos._exit(1)", executionCount: 1 }, { source: "print('after')", executionCount: 2 }]));
    logged = [];
    const started = Date.now();
    const summary = await testNotebooks([path], options());
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(summary.cells.map((cell) => cell.verdict)).toEqual(["failed", "failed"]);
    expect(summary.cells[0]!.report).toMatch(/^Kernel died while executing this cell: kernel process exited \(exit code 1\)/);
    expect(summary.cells[1]!.report).toBe("Cell not executed: kernel died earlier");
  });
});

// The runner against this repository's own kernel (node bin/tsgrad.js kernel), once it answers kernel_info.
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../src/notebook/find-kernelspec.js";
import { type Notebook, isCodeCell, readNotebook, writeNotebook } from "../../src/notebook/notebook-file.js";
import { runNotebooks } from "../../src/notebook/run-command.js";
import { testNotebooks } from "../../src/notebook/test-command.js";
import { ZmqKernelProvider } from "../../src/notebook/zmq-kernel.js";
import { DEBIAN_PYTHON, hasNbconvert, tsgradKernelBuilt } from "./jupyter-available.js";
import { codeNotebookJson } from "./notebook-builder.js";

const provider = new ZmqKernelProvider({ startupTimeoutMs: 30_000 });
const kernelBuilt = tsgradKernelBuilt();

describe.skipIf(!kernelBuilt)("tsgrad run and tsgrad test with the tsgrad kernel", () => {
  let dir: string;
  const quiet = { log: () => undefined };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tsgrad-kernel-nb-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("runs a TypeScript notebook in place, then its saved outputs pass `tsgrad test`, and a changed copy fails", async () => {
    const path = join(dir, "basics.ipynb");
    await writeFile(
      path,
      codeNotebookJson("tsgrad", [
        { source: "console.log('hello');\nconst x: number = 1 + 2;\nx" },
        { source: "const h = display('first', { displayId: 'd1' });\nconsole.log('shown');" },
        { source: "h.update('second');\nh.flush();" },
        { source: "throw new Error('boom');", tags: ["raises-exception"] },
      ]),
    );
    const failures = await runNotebooks([path], { provider, timeoutMs: 30_000, destination: { kind: "inplace" }, allowErrors: false, ...quiet });
    expect(failures).toBe(0);
    const executed = await readNotebook(path);
    const outputs = executed.cells.map((cell) => (isCodeCell(cell) ? cell.outputs : []));
    expect(outputs[0]).toEqual([
      { output_type: "stream", name: "stdout", text: "hello\n" },
      { output_type: "execute_result", data: { "text/plain": "3" }, metadata: {}, execution_count: 1 },
    ]);
    // The update from the third cell replaced the display shown by the second.
    expect(outputs[1]![0]).toMatchObject({ output_type: "display_data", data: { "text/plain": "'second'" } });
    expect(outputs[3]![0]).toMatchObject({ output_type: "error", ename: "Error", evalue: "boom" });
    expect(executed.metadata.language_info?.name).toBe("typescript");
    expect((await readFile(path, "utf8")).endsWith("}\n")).toBe(true);

    expect((await testNotebooks([path], { provider, timeoutMs: 30_000, lax: false, sanitizeRules: [], ...quiet })).failed).toBe(0);

    const changed: Notebook = structuredClone(executed);
    const first = changed.cells[0]!;
    if (isCodeCell(first)) first.outputs[1]!.data = { "text/plain": "4" };
    await writeNotebook(join(dir, "changed.ipynb"), changed);
    const summary = await testNotebooks([join(dir, "changed.ipynb")], { provider, timeoutMs: 30_000, lax: false, sanitizeRules: [], ...quiet });
    expect(summary.failed).toBe(1);
    expect(summary.cells[0]!.report).toContain("mismatch 'text/plain'\n--- reference 'text/plain' (saved in the notebook)\n+++ test 'text/plain' (re-executed)\n@@ -1,1 +1,1 @@\n-4\n+3");
  });

  it("saves the same widget ids when a notebook runs again (no diff from re-running a clean checkout)", async () => {
    const cells = [
      { source: 'const a = new widgets.IntSlider({ value: 4, min: 1, max: 16, description: "steps" });\na' },
      { source: "new widgets.HBox([a, new widgets.Checkbox({ value: true })])" },
    ];
    const saved: string[] = [];
    for (const name of ["first.ipynb", "second.ipynb"]) {
      const path = join(dir, name);
      await writeFile(path, codeNotebookJson("tsgrad", cells));
      expect(await runNotebooks([path], { provider, timeoutMs: 30_000, destination: { kind: "inplace" }, allowErrors: false, ...quiet })).toBe(0);
      saved.push(await readFile(path, "utf8"));
    }
    const ids = (text: string): string[] => [...text.matchAll(/"model_id": "([0-9a-f]+)"/g)].map((m) => m[1]!);
    const first = ids(saved[0]!);
    expect(first.length).toBe(2);
    expect(new Set(first).size).toBe(2);
    expect(ids(saved[1]!)).toEqual(first);
    // Widget state in the metadata too, keyed by the same ids.
    type Saved = { metadata: { widgets?: Record<string, { state?: Record<string, unknown> }> } };
    const state = (text: string): string[] => Object.keys((JSON.parse(text) as Saved).metadata.widgets?.["application/vnd.jupyter.widget-state+json"]?.state ?? {});
    expect(state(saved[1]!)).toEqual(state(saved[0]!));
    expect(state(saved[0]!)).toEqual(expect.arrayContaining(first));
  });

  it("interrupts a busy synchronous loop past the timeout, and the kernel carries on", async () => {
    const path = join(dir, "loop.ipynb");
    await writeFile(path, codeNotebookJson("tsgrad", [{ source: "let i = 0;\nwhile (true) { i++; }" }, { source: "console.log('after', i > 0);" }]));
    const started = Date.now();
    const summary = await testNotebooks([path], { provider, timeoutMs: 2000, lax: false, sanitizeRules: [], ...quiet });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(summary.cells[0]!.report).toBe("Timeout of 2 s exceeded executing cell; it was interrupted");
    // Ran cleanly after the interrupt (a failure here would show as "xfailed").
    expect(summary.cells[1]!.verdict).toBe("passed");
  });

  it("reports a kernel process that is killed mid-cell", async () => {
    const path = join(dir, "killed.ipynb");
    await writeFile(path, codeNotebookJson("tsgrad", [{ source: "process.kill(process.pid, 'SIGKILL');" }, { source: "1" }]));
    const started = Date.now();
    const summary = await testNotebooks([path], { provider, timeoutMs: 30_000, lax: false, sanitizeRules: [], ...quiet });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(summary.cells[0]!.report).toMatch(/^Kernel died while executing this cell: kernel process exited \(signal SIGKILL\)/);
    expect(summary.cells[1]!.report).toBe("Cell not executed: kernel died earlier");
  });

  it.skipIf(!hasNbconvert)("writes byte for byte what `jupyter nbconvert --execute` (nbclient) writes, timings aside", async () => {
    const cells = [
      { source: "console.log('hello');\nconst x: number = 1 + 2;\nx" },
      { source: "const h = display('first', { displayId: 'd1' });\nconsole.log('shown');" },
      { source: "h.update('second');\nh.flush();" },
      { source: "throw new Error('boom');", tags: ["raises-exception"] },
    ];
    await writeFile(join(dir, "ours.ipynb"), codeNotebookJson("tsgrad", cells));
    await writeFile(join(dir, "theirs.ipynb"), codeNotebookJson("tsgrad", cells));
    const kernels = join(dir, "jupyter", "kernels", "tsgrad");
    await mkdir(kernels, { recursive: true });
    const argv = [process.execPath, join(REPO_ROOT, "bin", "tsgrad.js"), "kernel", "-f", "{connection_file}"];
    await writeFile(join(kernels, "kernel.json"), JSON.stringify({ argv, display_name: "TypeScript (tsgrad)", language: "typescript", interrupt_mode: "message" }));
    const script = [
      "import nbformat, sys",
      "from nbclient import NotebookClient",
      "nb = nbformat.read(sys.argv[1], as_version=4)",
      "NotebookClient(nb, timeout=60, record_timing=False).execute()",
      "nbformat.write(nb, sys.argv[1])",
    ].join("\n");
    const nbclient = spawnSync(DEBIAN_PYTHON, ["-c", script, join(dir, "theirs.ipynb")], {
      env: { ...process.env, JUPYTER_PATH: join(dir, "jupyter") },
      encoding: "utf8",
      timeout: 90_000,
    });
    expect(nbclient.status, nbclient.stderr).toBe(0);
    expect(await runNotebooks([join(dir, "ours.ipynb")], { provider, timeoutMs: 30_000, destination: { kind: "inplace" }, allowErrors: false, ...quiet })).toBe(0);
    expect(await readFile(join(dir, "ours.ipynb"), "utf8")).toBe(await readFile(join(dir, "theirs.ipynb"), "utf8"));
  });
});

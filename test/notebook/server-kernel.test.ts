import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as cli from "../../src/notebook/notebook-commands.js";
import { REPO_ROOT } from "../../src/notebook/find-kernelspec.js";
import { executeNotebook } from "../../src/notebook/notebook-executor.js";
import { isCodeCell, readNotebook } from "../../src/notebook/notebook-file.js";
import { ServerKernelProvider } from "../../src/notebook/server-kernel.js";
import { testNotebooks } from "../../src/notebook/test-command.js";
import { FIXTURES, hasIpykernel, hasJupyterServer, tsgradKernelBuilt } from "./jupyter-available.js";
import { type RunningServer, startJupyterServer } from "./jupyter-server.js";
import { codeNotebookJson, executeBasicsFixture } from "./notebook-builder.js";

const tsgradBuilt = hasJupyterServer && tsgradKernelBuilt();

describe.skipIf(!hasIpykernel || !hasJupyterServer)("kernels through a Jupyter server (@jupyterlab/services)", () => {
  let server: RunningServer;
  let provider: ServerKernelProvider;
  const quiet = { log: () => undefined };

  beforeAll(async () => {
    server = await startJupyterServer();
    provider = new ServerKernelProvider(server.url, server.token);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("executes a notebook to the same result as over ZeroMQ, display updates included", async () => {
    const { outcomes, actual, expected } = await executeBasicsFixture(provider, server.root);
    expect(outcomes).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    expect(actual).toBe(expected);
  });

  it("tsgrad test passes the saved notebook and fails a changed copy", async () => {
    await copyFile(join(FIXTURES, "python-executed.ipynb"), join(server.root, "same.ipynb"));
    expect((await testNotebooks([join(server.root, "same.ipynb")], { provider, timeoutMs: 20_000, lax: false, sanitizeRules: [], ...quiet })).failed).toBe(0);
    const changed = (await import("node:fs/promises")).readFile(join(FIXTURES, "python-executed.ipynb"), "utf8");
    await writeFile(join(server.root, "changed.ipynb"), (await changed).replace('"world\\n"', '"earth\\n"'));
    const summary = await testNotebooks([join(server.root, "changed.ipynb")], { provider, timeoutMs: 20_000, lax: false, sanitizeRules: [], ...quiet });
    expect(summary.failed).toBe(1);
    expect(summary.cells[0]!.report).toContain("-earth\n+world");
  });

  it("takes --server and --token on the command line", async () => {
    await copyFile(join(FIXTURES, "python-basics.ipynb"), join(server.root, "cli.ipynb"));
    const output = join(server.root, "executed");
    const args = ["--server", server.url, "--token", server.token, "--timeout", "20"];
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    let runCode: number;
    let testCode: number;
    try {
      runCode = await cli.run([join(server.root, "cli.ipynb"), "--output", output, ...args]);
      testCode = await cli.test([join(output, "cli.ipynb"), ...args]);
    } finally {
      process.stderr.write = stderr;
    }
    expect([runCode, testCode]).toEqual([0, 0]);
    const executed = await readNotebook(join(output, "cli.ipynb"));
    expect(executed.cells.filter(isCodeCell).map((cell) => cell.execution_count)).toEqual([1, 2, 3, 4, 5]);
  });

  it("interrupts a timed-out cell through the server", async () => {
    const path = join(server.root, "slow.ipynb");
    await writeFile(path, codeNotebookJson("python3", [{ source: "import time\ntime.sleep(60)", executionCount: 1 }]));
    const started = Date.now();
    const summary = await testNotebooks([path], { provider, timeoutMs: 1000, lax: false, sanitizeRules: [], ...quiet });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(summary.cells[0]!.report).toBe("Timeout of 1 s exceeded executing cell; it was interrupted");
  });

  it("reports a kernel the server sees die", async () => {
    const path = join(server.root, "dies.ipynb");
    await writeFile(path, codeNotebookJson("python3", ["print('before')", "import os\nos._exit(1)", "print('after')"].map((source, i) => ({ source, executionCount: i + 1 }))));
    const started = Date.now();
    const summary = await testNotebooks([path], { provider, timeoutMs: 30_000, lax: false, sanitizeRules: [], ...quiet });
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(summary.cells.map((cell) => cell.verdict)).toEqual(["failed", "failed", "failed"]);
    expect(summary.cells[1]!.report).toMatch(/^Kernel died while executing this cell: the server reports the kernel died/);
    expect(summary.cells[2]!.report).toBe("Cell not executed: kernel died earlier");
    const sessions = await fetch(`${server.url}api/sessions`, { headers: { Authorization: `token ${server.token}` } });
    expect(await sessions.json()).toEqual([]);
  });

  it.skipIf(!tsgradBuilt)("runs the tsgrad kernel when the server has its kernelspec, as on Binder", async () => {
    const spec = join(server.dataDir, "kernels", "tsgrad");
    await mkdir(spec, { recursive: true });
    const argv = [process.execPath, join(REPO_ROOT, "bin", "tsgrad.js"), "kernel", "-f", "{connection_file}"];
    await writeFile(join(spec, "kernel.json"), JSON.stringify({ argv, display_name: "TypeScript (tsgrad)", language: "typescript", interrupt_mode: "message" }));
    const path = join(server.root, "ts.ipynb");
    await writeFile(path, codeNotebookJson("tsgrad", ["console.log('from', 'ts');\n[1, 2].map((v) => v * 2)"]));
    const notebook = await readNotebook(path);
    const kernel = await provider.start("tsgrad", server.root);
    try {
      const runs = await executeNotebook(kernel, notebook, { timeoutMs: 30_000, continueAfterError: false });
      expect(runs[0]!.outcome).toEqual({ kind: "ok" });
    } finally {
      await kernel.shutdown();
    }
    const cell = notebook.cells[0]!;
    expect(isCodeCell(cell) && cell.outputs[0]).toEqual({ output_type: "stream", name: "stdout", text: "from ts\n" });
    expect(notebook.metadata.language_info?.name).toBe("typescript");
  });
});

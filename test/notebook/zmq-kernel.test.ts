import { describe, expect, it } from "vitest";
import { executeNotebook } from "../../src/notebook/notebook-executor.js";
import { type Notebook, type Output, isCodeCell, parseNotebook } from "../../src/notebook/notebook-file.js";
import { ZmqKernelProvider } from "../../src/notebook/zmq-kernel.js";
import { FIXTURES, hasIpykernel } from "./jupyter-available.js";
import { codeNotebookJson, executeBasicsFixture } from "./notebook-builder.js";

function outputsOf(notebook: Notebook): Output[][] {
  return notebook.cells.map((cell) => (isCodeCell(cell) ? cell.outputs : []));
}

function codeNotebook(...sources: string[]): Notebook {
  return parseNotebook(codeNotebookJson("python3", sources));
}

describe.skipIf(!hasIpykernel)("ZeroMQ kernel client against ipykernel", () => {
  const provider = new ZmqKernelProvider();

  it("executes a notebook to the same file `jupyter nbconvert --execute` writes (timings aside)", async () => {
    const { outcomes, actual, expected } = await executeBasicsFixture(provider, FIXTURES);
    expect(outcomes).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    expect(actual).toBe(expected);
  });

  it("applies update_display_data to the earlier output with the same display_id, in another cell", async () => {
    const notebook = codeNotebook(
      "from IPython.display import display\nh = display('v1', display_id='d')\nprint('after')",
      "h.update('v2')\ndisplay('other')",
      "display('v3', display_id='d', update=True);",
    );
    const kernel = await provider.start("python3", FIXTURES);
    try {
      await executeNotebook(kernel, notebook, { timeoutMs: 20_000, continueAfterError: false });
    } finally {
      await kernel.shutdown();
    }
    const [first, second, third] = outputsOf(notebook);
    expect(first).toEqual([
      { output_type: "display_data", data: { "text/plain": "'v3'" }, metadata: {} },
      { output_type: "stream", name: "stdout", text: "after\n" },
    ]);
    expect(second).toEqual([{ output_type: "display_data", data: { "text/plain": "'other'" }, metadata: {} }]);
    expect(third).toEqual([]);
  });

  it("merges consecutive streams and honours clear_output(wait=True)", async () => {
    const notebook = codeNotebook(
      "import sys\nfor i in range(3):\n    print(i); sys.stdout.flush()",
      "from IPython.display import clear_output\nprint('gone')\nclear_output(wait=True)\nprint('kept')",
      "print('a', end='\\r'); import sys; sys.stdout.flush(); print('b')",
    );
    const kernel = await provider.start("python3", FIXTURES);
    try {
      await executeNotebook(kernel, notebook, { timeoutMs: 20_000, continueAfterError: false });
    } finally {
      await kernel.shutdown();
    }
    const outputs = outputsOf(notebook);
    expect(outputs[0]).toEqual([{ output_type: "stream", name: "stdout", text: "0\n1\n2\n" }]);
    expect(outputs[1]).toEqual([{ output_type: "stream", name: "stdout", text: "kept\n" }]);
    expect(outputs[2]).toEqual([{ output_type: "stream", name: "stdout", text: "b\n" }]);
  });

  it("records nbclient's per-cell timestamps only when asked", async () => {
    const timed = codeNotebook("1 + 1", "print(2)");
    const untimed = codeNotebook("1 + 1");
    const kernel = await provider.start("python3", FIXTURES);
    try {
      await executeNotebook(kernel, timed, { timeoutMs: 20_000, continueAfterError: false, recordTiming: true });
      await executeNotebook(kernel, untimed, { timeoutMs: 20_000, continueAfterError: false });
    } finally {
      await kernel.shutdown();
    }
    for (const cell of timed.cells) {
      const execution = cell.metadata.execution as Record<string, string>;
      expect(Object.keys(execution).sort()).toEqual(["iopub.execute_input", "iopub.status.busy", "iopub.status.idle", "shell.execute_reply"]);
      expect(Date.parse(execution["iopub.status.idle"]!)).toBeGreaterThanOrEqual(Date.parse(execution["iopub.status.busy"]!));
    }
    expect(untimed.cells[0]!.metadata.execution).toBeUndefined();
  });

  it("interrupts a cell past its timeout and carries on with the same kernel", async () => {
    const notebook = codeNotebook("import time\ntime.sleep(60)", "print('still alive')");
    const kernel = await provider.start("python3", FIXTURES);
    const started = Date.now();
    try {
      const runs = await executeNotebook(kernel, notebook, { timeoutMs: 1500, continueAfterError: true });
      expect(runs[0]!.outcome).toEqual({ kind: "timeout", seconds: 1.5, interrupted: true });
      expect(runs[1]!.outcome).toEqual({ kind: "ok" });
    } finally {
      await kernel.shutdown();
    }
    expect(Date.now() - started).toBeLessThan(15_000);
    const cells = outputsOf(notebook);
    expect(cells[0]!.find((output) => output.output_type === "error")?.ename).toBe("KeyboardInterrupt");
    expect(cells[1]).toEqual([{ output_type: "stream", name: "stdout", text: "still alive\n" }]);
  });

  it("reports a kernel that dies mid-cell instead of hanging, and runs nothing after it", async () => {
    const notebook = codeNotebook("print('before')", "import os\nos._exit(3)", "print('never')");
    const kernel = await provider.start("python3", FIXTURES);
    const started = Date.now();
    try {
      const runs = await executeNotebook(kernel, notebook, { timeoutMs: 30_000, continueAfterError: true });
      expect(runs.map((run) => run.outcome.kind)).toEqual(["ok", "dead", "skipped"]);
      expect(runs[1]!.outcome.kind === "dead" && runs[1]!.outcome.reason).toMatch(/exit code 3/);
    } finally {
      await kernel.shutdown();
    }
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("counts a kernel whose heartbeat stops as dead, even though its process still exists", async () => {
    const notebook = codeNotebook("import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)", "print('never')");
    const kernel = await new ZmqKernelProvider({ heartbeatTimeoutMs: 2000 }).start("python3", FIXTURES);
    const started = Date.now();
    try {
      const runs = await executeNotebook(kernel, notebook, { timeoutMs: 60_000, continueAfterError: true });
      expect(runs.map((run) => run.outcome.kind)).toEqual(["dead", "skipped"]);
      expect(runs[0]!.outcome.kind === "dead" && runs[0]!.outcome.reason).toMatch(/stopped answering heartbeats for [2-9] s/);
    } finally {
      await kernel.shutdown();
    }
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("fails to start a kernel whose process exits at once, naming the reason", async () => {
    const { ZmqKernelClient } = await import("../../src/notebook/zmq-kernel.js");
    const spec = {
      name: "broken",
      argv: [process.execPath, "-e", "console.error('no such kernel'); process.exit(7)"],
      display_name: "broken",
      language: "none",
      interrupt_mode: "signal" as const,
      env: {},
      resourceDir: FIXTURES,
    };
    await expect(ZmqKernelClient.launch(spec, { cwd: FIXTURES, startupTimeoutMs: 10_000 })).rejects.toThrow(
      /died while starting: kernel process exited \(exit code 7\).*no such kernel/s,
    );
  });
});

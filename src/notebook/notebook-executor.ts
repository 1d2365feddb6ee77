// Running a notebook's code cells one by one through a kernel: timeouts interrupt, death stops.
import type { KernelClient } from "./kernel-client.js";
import { sleep } from "./kernel-client.js";
import { NotebookOutputs } from "./cell-outputs.js";
import type { ExecuteReplyContent, JupyterMessage } from "./messages.js";
import { type CodeCell, type Notebook, isCodeCell, joinText } from "./notebook-file.js";

export type CellRunOutcome =
  | { kind: "ok" }
  | { kind: "error"; ename: string; evalue: string; traceback: string[] }
  | { kind: "timeout"; seconds: number; interrupted: boolean }
  | { kind: "dead"; reason: string }
  | { kind: "skipped"; reason: string };

export interface CellRun {
  /** Position in `notebook.cells`. */
  index: number;
  cell: CodeCell;
  outcome: CellRunOutcome;
  seconds: number;
}

export interface CellPlan {
  run: boolean;
  /** An error here is expected (nbclient's and nbval's `raises-exception`). */
  allowError: boolean;
  skipReason?: string;
}

export interface ExecuteNotebookOptions {
  /** Per-cell limit; past it the cell is interrupted. */
  timeoutMs: number;
  /** How long an interrupted cell may take to stop before the kernel counts as hung (default 10 s). */
  interruptGraceMs?: number;
  /** Keep going after a cell fails (nbval does; nbclient stops). */
  continueAfterError: boolean;
  /** Save nbclient's per-cell timestamps in `metadata.execution`. */
  recordTiming?: boolean;
  plan?: (cell: CodeCell, index: number) => CellPlan;
  onCellDone?: (run: CellRun, position: { done: number; total: number }) => void;
}

/** nbclient's plan: empty cells are skipped, errors are allowed only in `raises-exception` cells. */
export function defaultPlan(cell: CodeCell): CellPlan {
  const tags = Array.isArray(cell.metadata.tags) ? cell.metadata.tags : [];
  if (joinText(cell.source).trim() === "") return { run: false, allowError: false, skipReason: "empty" };
  return { run: true, allowError: tags.includes("raises-exception") };
}

function outcomeOf(reply: JupyterMessage<ExecuteReplyContent>, cell: CodeCell): CellRunOutcome {
  const content = reply.content;
  if (content.status === "ok") return { kind: "ok" };
  const shown = cell.outputs.find((output) => output.output_type === "error");
  if (content.status === "aborted") {
    return { kind: "error", ename: "Aborted", evalue: "the kernel aborted this request after an earlier error (stop_on_error)", traceback: [] };
  }
  return {
    kind: "error",
    ename: String(content.ename ?? shown?.ename ?? "Error"),
    evalue: String(content.evalue ?? shown?.evalue ?? ""),
    traceback: (content.traceback ?? (shown?.traceback as string[] | undefined) ?? []).map(String),
  };
}

/** Runs one cell, racing its reply against the timeout and the kernel's death. */
async function runCell(
  kernel: KernelClient,
  outputs: NotebookOutputs,
  cell: CodeCell,
  index: number,
  plan: CellPlan,
  options: ExecuteNotebookOptions,
): Promise<CellRunOutcome> {
  outputs.startCell(index);
  const death = kernel.death.then((reason) => ({ dead: reason }));
  // Queued requests are only aborted when a failure ends the run; otherwise later cells must still run.
  const stopOnError = !plan.allowError && !options.continueAfterError;
  const done = kernel.execute(joinText(cell.source), { stopOnError }, (message) =>
    outputs.handle(message, index),
  );
  const first = await Promise.race([done, sleep(options.timeoutMs), death]);
  if (first === "timeout") {
    await kernel.interrupt();
    const second = await Promise.race([done, sleep(options.interruptGraceMs ?? 10_000), death]);
    if ("dead" in Object(second)) return { kind: "dead", reason: (second as { dead: string }).dead };
    return { kind: "timeout", seconds: options.timeoutMs / 1000, interrupted: second !== "timeout" };
  }
  if ("dead" in first) return { kind: "dead", reason: first.dead };
  outputs.recordReply(index, first);
  return outcomeOf(first, cell);
}

/** Executes the notebook in place (outputs, execution counts, language_info) and reports every code cell. */
export async function executeNotebook(
  kernel: KernelClient,
  notebook: Notebook,
  options: ExecuteNotebookOptions,
): Promise<CellRun[]> {
  const outputs = new NotebookOutputs(notebook, options.recordTiming);
  const codeCells = notebook.cells.flatMap((cell, index) => (isCodeCell(cell) ? [{ cell, index }] : []));
  if (kernel.info.language_info) notebook.metadata.language_info = structuredClone(kernel.info.language_info) as Notebook["metadata"]["language_info"];
  const runs: CellRun[] = [];
  let executed = 0;
  let stopped: string | undefined;
  for (const { cell, index } of codeCells) {
    const plan = (options.plan ?? defaultPlan)(cell, index);
    const started = Date.now();
    let outcome: CellRunOutcome;
    if (stopped !== undefined) outcome = { kind: "skipped", reason: stopped };
    else if (!plan.run) outcome = { kind: "skipped", reason: plan.skipReason ?? "skipped" };
    else {
      outcome = await runCell(kernel, outputs, cell, index, plan, options);
      // nbclient numbers executed cells itself, 1, 2, 3...
      cell.execution_count = ++executed;
      if (outcome.kind === "error" && plan.allowError) outcome = { kind: "ok" };
    }
    if (outcome.kind === "dead") stopped = "kernel died earlier";
    else if (outcome.kind === "timeout" && !outcome.interrupted) stopped = "kernel hung after an earlier timeout";
    else if ((outcome.kind === "error" || outcome.kind === "timeout") && !options.continueAfterError) {
      stopped = "an earlier cell failed";
    }
    const run: CellRun = { index, cell, outcome, seconds: (Date.now() - started) / 1000 };
    runs.push(run);
    options.onCellDone?.(run, { done: runs.length, total: codeCells.length });
  }
  return runs;
}

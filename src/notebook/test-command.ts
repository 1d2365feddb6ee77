// `tsgrad test`: nbval for our kernel. Re-executes notebooks and compares each code cell's outputs
// with the saved ones; a failing cell gets a readable report, any failure a non-zero exit.
import { readdir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { nbvalOptions } from "./cell-tags.js";
import type { KernelProvider } from "./kernel-client.js";
import { type CellRun, executeNotebook } from "./notebook-executor.js";
import { type CodeCell, type Output, isCodeCell, joinText, readNotebook } from "./notebook-file.js";
import { DEFAULT_SKIP_COMPARE, compareOutputs } from "./output-comparer.js";
import { progressLine, stripAnsi } from "./progress-line.js";
import { kernelNameFor } from "./run-command.js";
import type { SanitizeRule } from "./sanitizer.js";
import { sanitizerFor } from "./sanitizer.js";

export interface TestOptions {
  provider: KernelProvider;
  kernelName?: string;
  timeoutMs: number;
  /** Compare only cells marked nbval-check-output (nbval's --nbval-lax). */
  lax: boolean;
  sanitizeRules: readonly SanitizeRule[];
  skipCompare?: readonly string[];
  log: (line: string) => void;
}

export type Verdict = "passed" | "failed" | "skipped" | "xfailed";

export interface CellVerdict {
  notebook: string;
  /** 1-based among the notebook's code cells, as in the progress lines. */
  number: number;
  /** Position in `notebook.cells`. */
  index: number;
  cellId: string;
  verdict: Verdict;
  /** Why it failed, with the diff or traceback. */
  report?: string;
}

export interface TestSummary {
  cells: CellVerdict[];
  passed: number;
  failed: number;
  skipped: number;
  xfailed: number;
}

/** The notebooks under the given files and directories, sorted, checkpoints left out. */
export async function collectNotebooks(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const visit = async (path: string): Promise<void> => {
    if ((await stat(path)).isDirectory()) {
      for (const entry of (await readdir(path)).sort()) {
        if (entry === ".ipynb_checkpoints" || entry === "node_modules" || entry.startsWith(".")) continue;
        const child = join(path, entry);
        if (entry.endsWith(".ipynb") || (await stat(child)).isDirectory()) await visit(child);
      }
    } else found.push(path);
  };
  for (const path of paths) await visit(path);
  return found;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

interface SavedCell {
  outputs: Output[];
  executionCount: number | null;
}

/** nbval's verdict on one executed cell. */
function judge(
  run: CellRun,
  saved: SavedCell,
  lax: boolean,
  compare: (test: Output[], reference: Output[]) => string | undefined,
): { verdict: Verdict; report?: string } {
  const cellOptions = nbvalOptions(run.cell);
  const outcome = run.outcome;
  switch (outcome.kind) {
    case "skipped":
      return cellOptions.skip ? { verdict: "skipped" } : { verdict: "failed", report: `Cell not executed: ${outcome.reason}` };
    case "dead":
      return { verdict: "failed", report: `Kernel died while executing this cell: ${outcome.reason}` };
    case "timeout":
      return {
        verdict: "failed",
        report: outcome.interrupted
          ? `Timeout of ${outcome.seconds} s exceeded executing cell; it was interrupted`
          : `Timeout of ${outcome.seconds} s exceeded executing cell; the interrupt did not stop it, so later cells were not run`,
      };
    case "error":
      if (!cellOptions.checkException) {
        return {
          verdict: "failed",
          report: `Cell execution caused an exception: ${outcome.ename}: ${outcome.evalue}\n${stripAnsi(outcome.traceback.join("\n"))}`,
        };
      }
      break;
    case "ok":
      break;
  }
  if (!(cellOptions.check ?? !lax)) return { verdict: "passed" };
  // A saved cell that was never run has nothing to compare with (nbval), but must not carry outputs.
  if (saved.executionCount === null) {
    return saved.outputs.length === 0 ? { verdict: "passed" } : { verdict: "failed", report: "Unrun reference cell has outputs" };
  }
  const mismatch = compare(run.cell.outputs, saved.outputs);
  return mismatch === undefined ? { verdict: "passed" } : { verdict: "failed", report: `Cell outputs differ\n${mismatch}` };
}

/** Tests one notebook with a fresh kernel; verdicts in cell order. */
export async function testNotebook(path: string, options: TestOptions): Promise<CellVerdict[]> {
  const notebook = await readNotebook(path);
  const saved = new Map<number, SavedCell>();
  notebook.cells.forEach((cell, index) => {
    if (isCodeCell(cell)) saved.set(index, { outputs: structuredClone(cell.outputs), executionCount: cell.execution_count });
  });
  const skip = new Set(options.skipCompare ?? DEFAULT_SKIP_COMPARE);
  const sanitize = sanitizerFor(options.sanitizeRules);
  const compare = (test: Output[], reference: Output[]) => compareOutputs(test, reference, { sanitize, skip })?.report;
  const kernel = await options.provider.start(kernelNameFor(notebook, options.kernelName), dirname(resolve(path)));
  let runs: CellRun[];
  try {
    runs = await executeNotebook(kernel, notebook, {
      timeoutMs: options.timeoutMs,
      continueAfterError: true,
      plan: (cell: CodeCell) => {
        const cellOptions = nbvalOptions(cell);
        return { run: !cellOptions.skip, allowError: cellOptions.checkException, skipReason: "nbval-skip" };
      },
      onCellDone: (run, position) => options.log(progressLine(path, run, position)),
    });
  } finally {
    await kernel.shutdown();
  }
  // Judged once all cells ran, so a later cell's update_display_data counts as it does in the saved file.
  const verdicts: CellVerdict[] = [];
  let timedOut = false;
  for (const [position, run] of runs.entries()) {
    const judged = judge(run, saved.get(run.index)!, options.lax, compare);
    // As nbval: after a timeout, later cells are expected to fail.
    const verdict = judged.verdict === "failed" && timedOut ? "xfailed" : judged.verdict;
    if (run.outcome.kind === "timeout") timedOut = true;
    verdicts.push({ notebook: path, number: position + 1, index: run.index, cellId: String(run.cell.id ?? ""), verdict, report: judged.report });
  }
  for (const failure of verdicts.filter((cell) => cell.verdict === "failed")) {
    const cell = notebook.cells[failure.index]!;
    options.log(
      [
        `______ ${path} :: cell ${failure.number} (cells[${failure.index}], id ${failure.cellId}) ______`,
        failure.report ?? "",
        "Input:",
        indent(joinText(cell.source)),
        "",
      ].join("\n"),
    );
  }
  return verdicts;
}

/** Tests every notebook under `paths`; the summary counts cells. */
export async function testNotebooks(paths: readonly string[], options: TestOptions): Promise<TestSummary> {
  const started = Date.now();
  const cells: CellVerdict[] = [];
  let notebooks: string[] = [];
  try {
    notebooks = await collectNotebooks(paths);
  } catch (error) {
    cells.push({ notebook: paths.join(", "), number: 0, index: -1, cellId: "", verdict: "failed", report: (error as Error).message });
    options.log((error as Error).message);
  }
  if (notebooks.length === 0) options.log(`no notebooks found under ${paths.join(", ")}`);
  for (const path of notebooks) {
    try {
      cells.push(...(await testNotebook(path, options)));
    } catch (error) {
      cells.push({ notebook: path, number: 0, index: -1, cellId: "", verdict: "failed", report: (error as Error).message });
      options.log(`______ ${path} ______\n${(error as Error).message}\n`);
    }
  }
  const count = (verdict: Verdict) => cells.filter((cell) => cell.verdict === verdict).length;
  const summary = { cells, passed: count("passed"), failed: count("failed"), skipped: count("skipped"), xfailed: count("xfailed") };
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  options.log(
    `${summary.failed} failed, ${summary.passed} passed, ${summary.skipped} skipped` +
      (summary.xfailed ? `, ${summary.xfailed} xfailed` : "") +
      ` in ${seconds} s`,
  );
  return summary;
}

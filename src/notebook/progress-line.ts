// One line per executed cell on stderr, and the words used for cell outcomes in reports.
import type { CellRunOutcome, CellRun } from "./notebook-executor.js";
import { joinText } from "./notebook-file.js";

/** Removes terminal colour codes (kernels colour their tracebacks). */
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
}

export function describeOutcome(outcome: CellRunOutcome): string {
  switch (outcome.kind) {
    case "ok":
      return "ok";
    case "error":
      return `error ${outcome.ename}: ${outcome.evalue}`;
    case "timeout":
      return outcome.interrupted
        ? `timed out after ${outcome.seconds} s (interrupted)`
        : `timed out after ${outcome.seconds} s (interrupt did not stop it)`;
    case "dead":
      return `kernel died: ${outcome.reason}`;
    case "skipped":
      return `skipped (${outcome.reason})`;
  }
}

/** e.g. `notebooks/a.ipynb  cell  3/12  ok      0.41 s  const x = ...` */
export function progressLine(label: string, run: CellRun, position: { done: number; total: number }, verdict?: string): string {
  const width = String(position.total).length;
  const counter = `${String(position.done).padStart(width)}/${position.total}`;
  const firstLine = joinText(run.cell.source).split("\n").find((line) => line.trim() !== "") ?? "";
  const snippet = firstLine.length > 50 ? `${firstLine.slice(0, 47)}...` : firstLine;
  const status = (verdict ?? describeOutcome(run.outcome)).split("\n")[0]!;
  return `${label}  cell ${counter}  ${status.padEnd(6)}  ${run.seconds.toFixed(2)} s  ${snippet}`;
}

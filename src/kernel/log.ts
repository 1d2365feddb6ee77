// The kernel's own diagnostics go straight to file descriptor 2: process.stderr is a cell's output
// (it becomes iopub `stream` messages) while the kernel runs.
import { writeSync } from "node:fs";

export function log(text: string): void {
  try {
    writeSync(2, `[tsgrad kernel] ${text}\n`);
  } catch {
    // Nowhere left to report to.
  }
}

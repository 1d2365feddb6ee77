// `tsgrad run`: execute notebooks through a kernel and save them executed, as `jupyter nbconvert --execute`.
import { mkdir } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { KernelProvider } from "./kernel-client.js";
import { TSGRAD_KERNEL_NAME } from "./find-kernelspec.js";
import { defaultPlan, executeNotebook } from "./notebook-executor.js";
import { type Notebook, readNotebook, writeNotebook } from "./notebook-file.js";
import { describeOutcome, progressLine, stripAnsi } from "./progress-line.js";

export interface RunOptions {
  provider: KernelProvider;
  /** Overrides the notebook's kernelspec name. */
  kernelName?: string;
  timeoutMs: number;
  /** Where executed notebooks go: "inplace", a directory, or next to the input as NAME.nbconvert.ipynb. */
  destination: { kind: "inplace" } | { kind: "dir"; dir: string } | { kind: "beside" };
  allowErrors: boolean;
  /** Save nbclient's per-cell timestamps (metadata.execution). */
  recordTiming?: boolean;
  log: (line: string) => void;
}

/** The kernel a notebook asks for: --kernel, else its metadata, else tsgrad. */
export function kernelNameFor(notebook: Notebook, override?: string): string {
  return override ?? notebook.metadata.kernelspec?.name ?? TSGRAD_KERNEL_NAME;
}

function destinationOf(path: string, destination: RunOptions["destination"]): string {
  if (destination.kind === "inplace") return path;
  if (destination.kind === "dir") return join(destination.dir, basename(path));
  return join(dirname(path), basename(path).replace(/\.ipynb$/, "") + ".nbconvert.ipynb");
}

/** Runs one notebook; true if every cell succeeded and the result was written. */
export async function runNotebook(path: string, options: RunOptions): Promise<boolean> {
  const notebook = await readNotebook(path);
  const kernelName = kernelNameFor(notebook, options.kernelName);
  const started = Date.now();
  const kernel = await options.provider.start(kernelName, dirname(resolve(path)));
  let failed: string | undefined;
  try {
    const runs = await executeNotebook(kernel, notebook, {
      timeoutMs: options.timeoutMs,
      continueAfterError: false,
      recordTiming: options.recordTiming,
      plan: (cell) => {
        const plan = defaultPlan(cell);
        return options.allowErrors ? { ...plan, allowError: true } : plan;
      },
      onCellDone: (run, position) => options.log(progressLine(path, run, position)),
    });
    const bad = runs.find((run) => run.outcome.kind !== "ok" && !(run.outcome.kind === "skipped" && run.outcome.reason === "empty"));
    if (bad) failed = `cells[${bad.index}]: ${describeOutcome(bad.outcome)}`;
    if (bad?.outcome.kind === "error") failed += `\n${stripAnsi(bad.outcome.traceback.join("\n"))}`;
  } finally {
    await kernel.shutdown();
  }
  if (failed !== undefined) {
    options.log(`${path}: FAILED at ${failed}`);
    return false;
  }
  notebook.metadata.kernelspec ??= { name: kernelName, display_name: kernelName, language: String(kernel.info.language_info?.name ?? "") };
  const target = destinationOf(path, options.destination);
  await mkdir(dirname(target), { recursive: true });
  await writeNotebook(target, notebook);
  options.log(`${path}: executed in ${((Date.now() - started) / 1000).toFixed(1)} s, written to ${target}`);
  return true;
}

/** Runs each notebook in turn with a fresh kernel; the number that failed. */
export async function runNotebooks(paths: string[], options: RunOptions): Promise<number> {
  let failures = 0;
  for (const path of paths) {
    try {
      if (!(await runNotebook(path, options))) failures += 1;
    } catch (error) {
      failures += 1;
      options.log(`${path}: FAILED: ${(error as Error).message}`);
    }
  }
  return failures;
}

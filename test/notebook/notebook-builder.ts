// Small notebooks for tests, written as .ipynb JSON, and the fixture run both transports must agree on.
import { join } from "node:path";
import type { KernelProvider } from "../../src/notebook/kernel-client.js";
import { executeNotebook } from "../../src/notebook/notebook-executor.js";
import { formatNotebook, readNotebook } from "../../src/notebook/notebook-file.js";
import { FIXTURES } from "./jupyter-available.js";

const KERNELSPECS = {
  python3: { name: "python3", display_name: "Python 3", language: "python" },
  tsgrad: { name: "tsgrad", display_name: "TypeScript (tsgrad)", language: "typescript" },
};

export interface CellSpec {
  source: string;
  tags?: string[];
  /** Saved as executed (with this count) or not (null, the default). */
  executionCount?: number | null;
}

/** nbformat 4.5 JSON with one code cell per entry (a plain string is a cell's source). */
export function codeNotebookJson(kernel: keyof typeof KERNELSPECS, cells: (string | CellSpec)[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: KERNELSPECS[kernel] },
    cells: cells.map((cell, i) => {
      const { source, tags, executionCount = null }: CellSpec = typeof cell === "string" ? { source: cell } : cell;
      return { cell_type: "code", id: `cell-${i}`, metadata: tags ? { tags } : {}, source, outputs: [], execution_count: executionCount };
    }),
  });
}

/**
 * Executes fixtures/python-basics.ipynb with `provider` and returns it formatted, next to
 * fixtures/python-executed.ipynb (what `jupyter nbconvert --execute` wrote) formatted the same way.
 */
export async function executeBasicsFixture(provider: KernelProvider, cwd: string): Promise<{ outcomes: string[]; actual: string; expected: string }> {
  const notebook = await readNotebook(join(FIXTURES, "python-basics.ipynb"));
  const expected = await readNotebook(join(FIXTURES, "python-executed.ipynb"));
  const kernel = await provider.start("python3", cwd);
  let outcomes: string[];
  try {
    const runs = await executeNotebook(kernel, notebook, { timeoutMs: 20_000, continueAfterError: false });
    outcomes = runs.map((run) => run.outcome.kind);
  } finally {
    await kernel.shutdown();
  }
  // Cell ids of the two fixture files differ only if nbformat regenerated them; align before comparing.
  notebook.cells.forEach((cell, i) => (cell.id = expected.cells[i]!.id));
  return { outcomes, actual: formatNotebook(notebook), expected: formatNotebook(expected) };
}

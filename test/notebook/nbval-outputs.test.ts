import { describe, expect, it } from "vitest";
import type { JupyterMessage } from "../../src/notebook/messages.js";
import { nbvalOutputs } from "../../src/notebook/nbval-outputs.js";
import { NotebookOutputs } from "../../src/notebook/cell-outputs.js";
import { DEFAULT_SKIP_COMPARE, compareOutputs } from "../../src/notebook/output-comparer.js";
import { type Notebook, isCodeCell } from "../../src/notebook/notebook-file.js";

let counter = 0;
function message(type: string, content: Record<string, unknown>): JupyterMessage {
  counter++;
  return { header: { msg_id: `m${counter}`, msg_type: type, session: "s", username: "u", date: "", version: "5.3" }, parent_header: {}, metadata: {}, content, buffers: [] } as unknown as JupyterMessage;
}
const display = (text: string, id?: string, update = false) =>
  message(update ? "update_display_data" : "display_data", { data: { "text/plain": text }, metadata: {}, ...(id ? { transient: { display_id: id } } : {}) });

/** What a saved notebook holds for these messages (nbclient's rules, as `tsgrad run` saves). */
function saved(messages: JupyterMessage[]) {
  const notebook = { cells: [{ cell_type: "code", id: "c", metadata: {}, source: "", outputs: [], execution_count: null }], metadata: {}, nbformat: 4, nbformat_minor: 5 } as unknown as Notebook;
  const outputs = new NotebookOutputs(notebook);
  outputs.startCell(0);
  for (const m of messages) outputs.handle(m, 0);
  const cell = notebook.cells[0]!;
  if (!isCodeCell(cell)) throw new Error("not a code cell");
  return cell.outputs;
}
const compare = (test: ReturnType<typeof nbvalOutputs>, reference: ReturnType<typeof saved>) =>
  compareOutputs(test, reference, { sanitize: (v) => v, skip: new Set(DEFAULT_SKIP_COMPARE) });

describe("nbvalOutputs: a cell's outputs as nbval records them", () => {
  it("keeps display_data, execute_result, stream and error in arrival order and ignores update_display_data and clear_output", () => {
    const messages = [
      display("frame 1", "live"),
      message("stream", { name: "stdout", text: "a\n" }),
      display("frame 2", "live", true),
      message("clear_output", { wait: false }),
      message("execute_result", { data: { "text/plain": "42" }, metadata: {}, execution_count: 3 }),
      message("error", { ename: "E", evalue: "v", traceback: [] }),
      message("status", { execution_state: "idle" }),
    ];
    expect(nbvalOutputs(messages).map((o) => [o.output_type, (o as { data?: Record<string, string> }).data?.["text/plain"] ?? (o as { text?: string }).text ?? (o as { ename?: string }).ename])).toEqual([
      ["display_data", "frame 1"],
      ["stream", "a\n"],
      ["execute_result", "42"],
      ["error", "E"],
    ]);
  });

  it("fails a live display that is saved in a later state than its first frame, as the real nbval does", () => {
    const messages = [display("micro-batch 1 of 8", "live"), display("micro-batch 8 of 8", "live", true)];
    expect(compare(nbvalOutputs(messages), saved(messages))?.field).toBe("text/plain");
  });

  it("passes a live display that starts and ends as an image/png alone (never compared) and leaves its final state as a display of its own", () => {
    const empty = (update: boolean) => message(update ? "update_display_data" : "display_data", { data: { "image/png": "iVBORw0KGgo=" }, metadata: {}, transient: { display_id: "live" } });
    const messages = [empty(false), display("micro-batch 1 of 8", "live", true), display("micro-batch 8 of 8", "live", true), empty(true), display("micro-batch 8 of 8")];
    expect(compare(nbvalOutputs(messages), saved(messages))).toBeUndefined();
    // And the saved notebook still holds the final state, which tsgrad test compares.
    expect(JSON.stringify(saved(messages))).toContain("micro-batch 8 of 8");
  });
});

// Turning a cell's iopub messages into its saved outputs, with nbclient's rules: clear_output (wait),
// display ids updated in every earlier output that carries them, consecutive streams merged.
import type { IMimeBundle, IStream, OutputMetadata } from "@jupyterlab/nbformat";
import type { JsonObject, JupyterMessage } from "./messages.js";
import { type CodeCell, type Notebook, type Output, isCodeCell } from "./notebook-file.js";

/** Applies terminal overwrites as JupyterLab shows them: `\r` rewrites its line, `\b` erases a character. */
export function foldOverwrites(text: string): string {
  let folded = text;
  for (let before = ""; before !== folded; ) {
    before = folded;
    folded = folded.replace(/[^\n\b]\x08/g, "");
  }
  return folded.replace(/^.*\r(?=[^\n])/gm, "");
}

/** The nbformat output a message stands for, as `nbformat.v4.output_from_msg`; undefined for non-outputs. */
export function outputFromMessage(message: JupyterMessage): Output | undefined {
  const content = message.content;
  switch (message.header.msg_type) {
    case "execute_result":
      return {
        output_type: "execute_result",
        data: (content.data ?? {}) as IMimeBundle,
        metadata: (content.metadata ?? {}) as OutputMetadata,
        execution_count: (content.execution_count as number | null | undefined) ?? null,
      };
    case "display_data":
    case "update_display_data":
      return {
        output_type: "display_data",
        data: (content.data ?? {}) as IMimeBundle,
        metadata: (content.metadata ?? {}) as OutputMetadata,
      };
    case "stream":
      return { output_type: "stream", name: content.name === "stderr" ? "stderr" : "stdout", text: String(content.text ?? "") };
    case "error":
      return {
        output_type: "error",
        ename: String(content.ename ?? ""),
        evalue: String(content.evalue ?? ""),
        traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
      };
    default:
      return undefined;
  }
}

/** Collects the outputs of a notebook's cells as they execute, one cell at a time. */
export class NotebookOutputs {
  /** display_id → cell index → indices of that cell's outputs showing it. */
  private readonly displays = new Map<string, Map<number, number[]>>();
  private clearBeforeNextOutput = false;

  /** With `recordTiming`, cells get nbclient's `metadata.execution` timestamps (off by default: they make every run a diff). */
  constructor(
    private readonly notebook: Notebook,
    private readonly recordTiming = false,
  ) {}

  private cell(index: number): CodeCell {
    const cell = this.notebook.cells[index];
    if (!cell || !isCodeCell(cell)) throw new RangeError(`cell ${index} is not a code cell`);
    return cell;
  }

  /** Empties a cell's outputs before it runs. */
  startCell(index: number): void {
    const cell = this.cell(index);
    cell.outputs = [];
    if (this.recordTiming) cell.metadata.execution = {};
    this.clearBeforeNextOutput = false;
    this.forgetDisplays(index);
  }

  private forgetDisplays(index: number): void {
    for (const cells of this.displays.values()) cells.delete(index);
  }

  /** Folds one iopub message of cell `index` into the notebook. */
  handle(message: JupyterMessage, index: number): void {
    const cell = this.cell(index);
    const type = message.header.msg_type;
    const content = message.content;
    const displayId = ((content.transient ?? {}) as JsonObject).display_id;
    if (typeof displayId === "string" && ["execute_result", "display_data", "update_display_data"].includes(type)) {
      this.updateDisplay(displayId, message);
    }
    if (typeof content.execution_count === "number") cell.execution_count = content.execution_count;
    if (this.recordTiming) this.recordTime(cell, message);

    if (type === "clear_output") {
      if (content.wait) this.clearBeforeNextOutput = true;
      else {
        cell.outputs = [];
        this.forgetDisplays(index);
      }
      return;
    }
    if (type === "update_display_data" || type === "execute_input" || type === "status" || type.startsWith("comm")) return;
    const output = outputFromMessage(message);
    if (!output) return;
    if (this.clearBeforeNextOutput) {
      cell.outputs = [];
      this.forgetDisplays(index);
      this.clearBeforeNextOutput = false;
    }
    const last = cell.outputs[cell.outputs.length - 1];
    if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
      const stream = last as IStream;
      stream.text = foldOverwrites(String(stream.text) + String(output.text));
      return;
    }
    if (output.output_type === "stream") output.text = foldOverwrites(String(output.text));
    if (typeof displayId === "string") {
      const cells = this.displays.get(displayId) ?? new Map<number, number[]>();
      this.displays.set(displayId, cells);
      cells.set(index, [...(cells.get(index) ?? []), cell.outputs.length]);
    }
    cell.outputs.push(output);
  }

  /** nbclient's timestamps: iopub busy, execute_input and idle (the reply is noted by `recordReply`). */
  private recordTime(cell: CodeCell, message: JupyterMessage): void {
    const type = message.header.msg_type;
    const state = message.content.execution_state;
    const key =
      type === "execute_input" ? "iopub.execute_input" : type === "status" && (state === "busy" || state === "idle") ? `iopub.status.${state}` : undefined;
    if (key) (cell.metadata.execution as Record<string, string>)[key] = message.header.date;
  }

  /** Notes when the cell's `execute_reply` was sent, as nbclient's `shell.execute_reply`. */
  recordReply(index: number, reply: JupyterMessage): void {
    if (!this.recordTiming) return;
    const cell = this.cell(index);
    ((cell.metadata.execution ??= {}) as Record<string, string>)["shell.execute_reply"] = reply.header.date;
  }

  /** Replaces data and metadata of every recorded output showing `displayId`, in any cell. */
  private updateDisplay(displayId: string, message: JupyterMessage): void {
    const cells = this.displays.get(displayId);
    if (!cells) return;
    const data = (message.content.data ?? {}) as IMimeBundle;
    const metadata = (message.content.metadata ?? {}) as OutputMetadata;
    for (const [index, positions] of cells) {
      const outputs = this.cell(index).outputs;
      for (const position of positions) {
        const output = outputs[position];
        if (!output) continue;
        output.data = structuredClone(data);
        output.metadata = structuredClone(metadata);
      }
    }
  }
}

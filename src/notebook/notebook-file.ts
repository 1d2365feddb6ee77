// Reading and writing .ipynb files (nbformat 4.5, cell ids), the way Jupyter's nbformat does.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../kernel/atomic-write.js";
import type {
  ICell,
  ICodeCell,
  IMimeBundle,
  INotebookContent,
  IOutput,
  MultilineString,
} from "@jupyterlab/nbformat";
import { splitLinesKeepEnds, toJupyterJson } from "./ipynb-json.js";

export type Notebook = INotebookContent;
export type Cell = ICell;
export type CodeCell = ICodeCell;
export type Output = IOutput;

export class NotebookFormatError extends Error {
  override name = "NotebookFormatError";
}

/** nbformat's cell id rule (4.5): 1–64 letters, digits, `-` or `_`. */
const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;

/** A fresh cell id, like nbformat's `random_cell_id()` (8 hex digits). */
export function newCellId(): string {
  return randomBytes(4).toString("hex");
}

/** Joins nbformat's list-of-lines form back into one string. */
export function joinText(text: MultilineString | undefined): string {
  return Array.isArray(text) ? text.join("") : (text ?? "");
}

export function isCodeCell(cell: Cell): cell is CodeCell {
  return cell.cell_type === "code";
}

/** MIME types that nbformat keeps as JSON rather than text. */
function isJsonMime(mime: string): boolean {
  return mime === "application/json" || (mime.startsWith("application/") && mime.endsWith("+json"));
}

function rejoinBundle(bundle: IMimeBundle): void {
  for (const [mime, value] of Object.entries(bundle)) {
    if (!isJsonMime(mime) && Array.isArray(value) && value.every((line) => typeof line === "string")) {
      bundle[mime] = value.join("");
    }
  }
}

function splitBundle(bundle: IMimeBundle): void {
  for (const [mime, value] of Object.entries(bundle)) {
    if (typeof value === "string" && (mime.startsWith("text/") || mime === "application/javascript" || mime === "image/svg+xml")) {
      bundle[mime] = splitLinesKeepEnds(value);
    }
  }
}

/** Gives every cell a unique valid id and marks the notebook 4.5, as nbformat's upgrade/repair does. */
function ensureCellIds(notebook: Notebook): void {
  const seen = new Set<string>();
  for (const cell of notebook.cells) {
    let id = typeof cell.id === "string" ? cell.id : "";
    if (!CELL_ID.test(id) || seen.has(id)) {
      do id = newCellId();
      while (seen.has(id));
      cell.id = id;
    }
    seen.add(id);
  }
  if (notebook.nbformat_minor < 5) notebook.nbformat_minor = 5;
}

/** Parses notebook JSON into memory form: multi-line strings joined, cell ids present. */
export function parseNotebook(json: string, origin = "notebook"): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new NotebookFormatError(`${origin}: not JSON (${(error as Error).message})`);
  }
  const notebook = raw as Notebook;
  if (typeof raw !== "object" || raw === null || !Array.isArray(notebook.cells)) {
    throw new NotebookFormatError(`${origin}: no 'cells' list`);
  }
  if (notebook.nbformat !== 4) {
    throw new NotebookFormatError(`${origin}: nbformat ${String(notebook.nbformat)} is not supported (only 4)`);
  }
  notebook.metadata ??= {};
  notebook.nbformat_minor ??= 0;
  for (const cell of notebook.cells) {
    cell.source = joinText(cell.source);
    cell.metadata ??= {};
    if (!isCodeCell(cell)) continue;
    cell.outputs ??= [];
    cell.execution_count ??= null;
    for (const output of cell.outputs) {
      if (output.output_type === "execute_result" || output.output_type === "display_data") {
        rejoinBundle((output.data ?? {}) as IMimeBundle);
      } else if (Array.isArray(output.text)) {
        output.text = joinText(output.text as string[]);
      }
    }
  }
  ensureCellIds(notebook);
  return notebook;
}

/** Serialises a notebook exactly as `nbformat.write` does: split lines, sorted keys, 1-space indent, final newline. */
export function formatNotebook(notebook: Notebook): string {
  const copy = structuredClone(notebook);
  ensureCellIds(copy);
  delete copy.metadata.orig_nbformat;
  delete copy.metadata.orig_nbformat_minor;
  delete copy.metadata.signature;
  for (const cell of copy.cells) {
    delete cell.metadata.trusted;
    if (typeof cell.source === "string") cell.source = splitLinesKeepEnds(cell.source);
    for (const attachment of Object.values((cell.attachments ?? {}) as Record<string, IMimeBundle>)) {
      splitBundle(attachment);
    }
    if (!isCodeCell(cell)) continue;
    for (const output of cell.outputs) {
      if (output.output_type === "execute_result" || output.output_type === "display_data") {
        splitBundle((output.data ?? {}) as IMimeBundle);
      } else if (output.output_type === "stream" && typeof output.text === "string") {
        output.text = splitLinesKeepEnds(output.text);
      }
    }
  }
  return toJupyterJson(copy) + "\n";
}

export async function readNotebook(path: string): Promise<Notebook> {
  return parseNotebook(await readFile(path, "utf8"), path);
}

/** Saves the notebook all at once: a failed write (full disk, size limit) leaves the old file intact. */
export async function writeNotebook(path: string, notebook: Notebook): Promise<void> {
  writeFileAtomic(path, formatNotebook(notebook));
}

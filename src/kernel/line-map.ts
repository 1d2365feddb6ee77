// Where a line of transpiled JavaScript came from in the user's cell. Before conversion every
// statement gets a comment marker `/*@L<first>-<last>:<column>*/`; TypeScript keeps comments through
// both of tslab's emits, so a runtime position finds its statement by the nearest marker above it.
import type * as TS from "@tslab/typescript-for-tslab";
import { ts } from "./tslab.js";

const markerPattern = /\/\*@L(\d+)-(\d+):(\d+)\*\//g;

interface Insert {
  /** Zero-based line of the cell (markers never add lines). */
  line: number;
  /** Column of the insert in the marked text. */
  column: number;
  length: number;
}

/** A cell with statement markers inserted, and enough to undo their effect on diagnostic columns. */
export interface MarkedCell {
  code: string;
  inserts: Insert[];
}

function isStatement(node: TS.Node): boolean {
  return node.kind >= ts.SyntaxKind.FirstStatement && node.kind <= ts.SyntaxKind.LastStatement;
}

export function markStatements(source: string): MarkedCell {
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const starts: { offset: number; marker: string; line: number }[] = [];
  const visit = (node: TS.Node): void => {
    if (isStatement(node)) {
      const offset = node.getStart(file);
      const start = file.getLineAndCharacterOfPosition(offset);
      const end = file.getLineAndCharacterOfPosition(node.getEnd());
      starts.push({ offset, line: start.line, marker: `/*@L${start.line + 1}-${end.line + 1}:${start.character + 1}*/` });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  starts.sort((a, b) => a.offset - b.offset);
  let code = "";
  let from = 0;
  const inserts: Insert[] = [];
  for (const start of starts) {
    code += source.slice(from, start.offset);
    from = start.offset;
    const lineStart = code.lastIndexOf("\n") + 1;
    inserts.push({ line: start.line, column: code.length - lineStart, length: start.marker.length });
    code += start.marker;
  }
  code += source.slice(from);
  return { code, inserts };
}

/** A diagnostic's zero-based column in the marked cell, as a column in the user's text. */
export function unmarkColumn(cell: MarkedCell, line: number, column: number): number {
  let shift = 0;
  for (const insert of cell.inserts) {
    if (insert.line === line && insert.column < column) shift += Math.min(insert.length, column - insert.column);
  }
  return column - shift;
}

interface Marker {
  jsLine: number;
  jsStart: number;
  jsEnd: number;
  first: number;
  last: number;
  column: number;
}

/** Maps one-based positions in a cell's transpiled JavaScript back to its one-based TypeScript lines. */
export class LineMap {
  private readonly markers: Marker[] = [];

  constructor(javascript: string) {
    javascript.split("\n").forEach((text, index) => {
      for (const match of text.matchAll(markerPattern)) {
        let end = match.index! + match[0].length;
        while (text[end] === " ") end++;
        this.markers.push({
          jsLine: index + 1,
          jsStart: match.index! + 1,
          jsEnd: end + 1,
          first: Number(match[1]),
          last: Number(match[2]),
          column: Number(match[3]),
        });
      }
    });
  }

  /** The cell position of a JavaScript position, or undefined when it precedes every statement. */
  toCell(line: number, column: number): { line: number; column: number } | undefined {
    let found: Marker | undefined;
    for (const marker of this.markers) {
      if (marker.jsLine < line || (marker.jsLine === line && marker.jsStart <= column)) found = marker;
      else break;
    }
    if (!found) return undefined;
    if (found.jsLine === line) {
      return { line: found.first, column: Math.max(1, found.column + column - found.jsEnd) };
    }
    return { line: Math.min(found.first + line - found.jsLine, found.last), column };
  }
}

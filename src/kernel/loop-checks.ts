// Interrupt checks in a cell's loops. Node breaks running JavaScript on SIGINT only inside the
// script of a cell; a loop that runs later (after an `await`, in a timer, in a function a later
// cell calls) is outside it, and the main thread never reads the interrupt message. So every loop a
// cell compiles starts its body with a cheap check of a shared flag, which throws when an interrupt
// waits for it. Inserted text never adds a line, and it sits before the statement markers of the
// body, so tracebacks keep their cell lines and columns.
import type * as TS from "@tslab/typescript-for-tslab";
import { ts } from "./tslab.js";

const mayHaveLoops = /\b(?:for|while|do)\b/;

/** `javascript` with `check` (a statement) at the start of every loop body. */
export function instrumentLoops(javascript: string, check: string): string {
  if (!mayHaveLoops.test(javascript)) return javascript;
  const file = ts.createSourceFile("cell.js", javascript, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const inserts: { at: number; text: string }[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isIterationStatement(node, false)) {
      const body = node.statement;
      if (ts.isBlock(body)) {
        inserts.push({ at: body.getStart(file) + 1, text: check });
      } else {
        inserts.push({ at: body.getStart(file), text: `{${check}` }, { at: body.getEnd(), text: "}" });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (inserts.length === 0) return javascript;
  inserts.sort((a, b) => a.at - b.at);
  let out = "";
  let from = 0;
  for (const insert of inserts) {
    out += javascript.slice(from, insert.at) + insert.text;
    from = insert.at;
  }
  return out + javascript.slice(from);
}

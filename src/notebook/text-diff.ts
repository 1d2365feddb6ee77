// A unified diff of two texts, line by line, for showing how a re-executed output differs.

type Edit = { op: " " | "-" | "+"; line: string };

const MAX_CELLS = 4_000_000;

/** Longest-common-subsequence edit script; texts too large for it become one replacement. */
function editScript(a: string[], b: string[]): Edit[] {
  if (a.length * b.length > MAX_CELLS) {
    return [...a.map((line) => ({ op: "-" as const, line })), ...b.map((line) => ({ op: "+" as const, line }))];
  }
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      edits.push({ op: " ", line: a[i++]! });
      j++;
    } else if (i < a.length && (j === b.length || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
      edits.push({ op: "-", line: a[i++]! });
    } else {
      edits.push({ op: "+", line: b[j++]! });
    }
  }
  return edits;
}

function lines(text: string): string[] {
  const split = text.split("\n");
  if (split.length > 1 && split[split.length - 1] === "") split.pop();
  return split;
}

/** `diff -u`-style hunks with `context` lines around each change; "" when the texts are equal. */
export function unifiedDiff(reference: string, test: string, labels = { reference: "reference", test: "test" }, context = 3): string {
  if (reference === test) return "";
  const edits = editScript(lines(reference), lines(test));
  const changed = edits.map((edit, index) => (edit.op === " " ? -1 : index)).filter((index) => index >= 0);
  const out = [`--- ${labels.reference}`, `+++ ${labels.test}`];
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k]! - context);
    let end = changed[k]! + context;
    while (k + 1 < changed.length && changed[k + 1]! - context <= end + 1) end = changed[++k]! + context;
    k++;
    end = Math.min(edits.length - 1, end);
    const before = edits.slice(0, start);
    const hunk = edits.slice(start, end + 1);
    const aStart = before.filter((edit) => edit.op !== "+").length;
    const bStart = before.filter((edit) => edit.op !== "-").length;
    const aCount = hunk.filter((edit) => edit.op !== "+").length;
    const bCount = hunk.filter((edit) => edit.op !== "-").length;
    out.push(`@@ -${aStart + (aCount ? 1 : 0)},${aCount} +${bStart + (bCount ? 1 : 0)},${bCount} @@`);
    for (const edit of hunk) out.push(edit.op + edit.line);
  }
  if (!reference.endsWith("\n") && test.endsWith("\n")) out.push("(reference has no final newline)");
  if (reference.endsWith("\n") && !test.endsWith("\n")) out.push("(test output has no final newline)");
  return out.join("\n");
}

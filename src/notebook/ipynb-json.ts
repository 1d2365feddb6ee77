// The .ipynb text format exactly as Jupyter's nbformat writes it, so executed notebooks diff cleanly:
// json.dumps(indent=1, sort_keys=True, ensure_ascii=False) with multi-line text split into lines.

/** The line boundaries of Python's `str.splitlines(keepends=True)`, which nbformat splits text on. */
const LINE_BOUNDARY = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;

/** Splits text into lines that keep their line endings (`"a\nb"` → `["a\n", "b"]`), like Python. */
export function splitLinesKeepEnds(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (const match of text.matchAll(LINE_BOUNDARY)) {
    const end = (match.index ?? 0) + match[0].length;
    lines.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) sorted[key] = sortKeysDeep(child);
    }
    return sorted;
  }
  return value;
}

/** Serialises a JSON value as Python's `json.dumps(v, indent=1, sort_keys=True, ensure_ascii=False)`. */
export function toJupyterJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value), null, 1);
}

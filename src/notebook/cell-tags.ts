// nbval's per-cell options, from cell tags or marker comments (`# NBVAL_SKIP`; also `// NBVAL_SKIP` for TypeScript).
import { type CodeCell, joinText } from "./notebook-file.js";

export interface NbvalCellOptions {
  /** Compare outputs; undefined means "as the mode says" (yes, unless --lax). */
  check: boolean | undefined;
  /** An exception is expected and is not a failure. */
  checkException: boolean;
  /** Do not run the cell at all. */
  skip: boolean;
}

type Marker = ["check", boolean] | ["checkException", true] | ["skip", true];

const COMMENT_MARKERS: Record<string, Marker> = {
  PYTEST_VALIDATE_IGNORE_OUTPUT: ["check", false],
  NBVAL_IGNORE_OUTPUT: ["check", false],
  NBVAL_CHECK_OUTPUT: ["check", true],
  NBVAL_RAISES_EXCEPTION: ["checkException", true],
  NBVAL_SKIP: ["skip", true],
};

/** Tags are the markers in lower case with dashes, plus nbclient's `raises-exception`. */
const TAG_MARKERS: Record<string, Marker> = {
  ...Object.fromEntries(Object.entries(COMMENT_MARKERS).map(([marker, option]) => [marker.toLowerCase().replaceAll("_", "-"), option])),
  "raises-exception": ["checkException", true],
};

function apply(options: NbvalCellOptions, [key, value]: Marker): void {
  if (key === "check") options.check = value;
  else options[key] = value;
}

/** The nbval options of a code cell; comment markers win over tags, as in nbval. */
export function nbvalOptions(cell: CodeCell): NbvalCellOptions {
  const options: NbvalCellOptions = { check: undefined, checkException: false, skip: false };
  const tags = Array.isArray(cell.metadata.tags) ? cell.metadata.tags : [];
  for (const tag of tags) {
    const marker = typeof tag === "string" ? TAG_MARKERS[tag] : undefined;
    if (marker) apply(options, marker);
  }
  for (const line of joinText(cell.source).split("\n")) {
    const trimmed = line.trim();
    if (!trimmed.startsWith("#") && !trimmed.startsWith("//")) continue;
    const marker = COMMENT_MARKERS[trimmed.replace(/^(#+|\/\/+)/, "").trim()];
    if (marker) apply(options, marker);
  }
  return options;
}

// nbval's --sanitize-with file: `regex: PATTERN` / `replace: REPLACEMENT` line pairs ([section] headers
// only group them), applied with Python `re.sub` semantics to every compared string.

export interface SanitizeRule {
  /** The pattern as written in the file (Python syntax). */
  pattern: string;
  replacement: string;
  regex: RegExp;
}

export class SanitizeRuleError extends Error {
  override name = "SanitizeRuleError";
}

/** Translates a Python `re` pattern into a JavaScript RegExp (named groups, inline flags, `$`, `\A`, `\Z`). */
export function pythonRegex(pattern: string): RegExp {
  let flags = "g";
  let source = pattern;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const flag of inline[1]!) {
      if ("ims".includes(flag) && !flags.includes(flag)) flags += flag;
      else if (flag === "x") throw new SanitizeRuleError(`verbose flag (?x) is not supported in sanitize pattern '${pattern}'`);
    }
  }
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === "\\") {
      const next = source[i + 1] ?? "";
      i += 1;
      if (!inClass && next === "A") out += "^(?<![\\s\\S])";
      else if (!inClass && next === "Z") out += "$(?![\\s\\S])";
      else out += char + next;
      continue;
    }
    if (inClass) {
      if (char === "]") inClass = false;
      out += char;
      continue;
    }
    if (char === "[") {
      inClass = true;
      out += char;
      if (source[i + 1] === "^") out += source[++i];
      if (source[i + 1] === "]") out += "\\" + source[++i];
      continue;
    }
    if (source.startsWith("(?P<", i)) {
      out += "(?<";
      i += 3;
      continue;
    }
    const backReference = /^\(\?P=(\w+)\)/.exec(source.slice(i));
    if (backReference) {
      out += `\\k<${backReference[1]}>`;
      i += backReference[0].length - 1;
      continue;
    }
    // Python's `$` (without MULTILINE) also matches just before a final newline.
    if (char === "$" && !flags.includes("m")) out += "(?=\\n?$(?![\\s\\S]))";
    else out += char;
  }
  try {
    return new RegExp(out, flags);
  } catch (error) {
    throw new SanitizeRuleError(`invalid sanitize pattern '${pattern}': ${(error as Error).message}`);
  }
}

const TEMPLATE_ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", f: "\f", v: "\v", a: "\x07", b: "\b", "\\": "\\" };

/** Expands a Python `re.sub` replacement (`\1`, `\g<1>`, `\g<name>`, `\n`...) for one match. */
function expandTemplate(template: string, groups: (string | undefined)[], named: Record<string, string | undefined> | undefined): string {
  return template.replace(/\\(g<(\w+)>|\d{1,2}|.)/gs, (whole, body: string, name: string | undefined) => {
    if (name !== undefined) {
      const value = /^\d+$/.test(name) ? groups[Number(name)] : named?.[name];
      return value ?? "";
    }
    if (/^\d+$/.test(body)) return groups[Number(body)] ?? "";
    return TEMPLATE_ESCAPES[body] ?? whole;
  });
}

/** Python's `re.sub(pattern, replacement, text)` for one rule. */
export function applyRule(rule: SanitizeRule, text: string): string {
  rule.regex.lastIndex = 0;
  return text.replace(rule.regex, (...args: unknown[]) => {
    const hasNamed = typeof args[args.length - 1] === "object";
    const named = hasNamed ? (args[args.length - 1] as Record<string, string | undefined>) : undefined;
    const groups = args.slice(0, hasNamed ? -3 : -2) as (string | undefined)[];
    return expandTemplate(rule.replacement, groups, named);
  });
}

/** Parses a sanitize file; a repeated pattern keeps its first place and its last replacement, as nbval's OrderedDict. */
export function parseSanitizeFile(text: string): SanitizeRule[] {
  const rules = new Map<string, string>();
  for (const match of text.replace(/\r\n?/g, "\n").matchAll(/^regex: (.*)$\n^replace: (.*)$/gm)) {
    rules.set(match[1]!, match[2]!);
  }
  return [...rules].map(([pattern, replacement]) => ({ pattern, replacement, regex: pythonRegex(pattern) }));
}

/** A function applying every rule in order to a string; other values pass unchanged. */
export function sanitizerFor(rules: readonly SanitizeRule[]): (value: unknown) => unknown {
  return (value) => (typeof value === "string" ? rules.reduce((text, rule) => applyRule(rule, text), value) : value);
}

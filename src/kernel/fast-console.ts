// console.log and friends for cells, formatting as Node's console does but without its per-call
// bookkeeping (an error listener added and removed on the stream at every call): Node's own took
// ~4 µs a line, which made a cell printing a million lines spend most of its time in console.log.
// Everything else on `console` (table, dir, trace, time, count…) stays Node's.
import { formatWithOptions } from "node:util";

type Write = (text: string) => void;

/** Replaces log/info/debug (stdout) and error/warn (stderr), keeping console.group's indentation. */
export function installFastConsole(target: Console, out: Write, err: Write): void {
  let indent = "";
  const format = (args: unknown[]): string => {
    // A lone string (the usual `console.log(text)`) needs no formatting, unless it has % directives.
    const text = args.length === 1 && typeof args[0] === "string" && !args[0].includes("%") ? args[0] : formatWithOptions({}, ...args);
    return indent === "" ? text + "\n" : indent + text.replaceAll("\n", "\n" + indent) + "\n";
  };
  const toOut = (...args: unknown[]): void => out(format(args));
  const toErr = (...args: unknown[]): void => err(format(args));
  const group = (...label: unknown[]): void => {
    if (label.length > 0) toOut(...label);
    indent += "  ";
  };
  Object.assign(target, {
    log: toOut,
    info: toOut,
    debug: toOut,
    error: toErr,
    warn: toErr,
    group,
    groupCollapsed: group,
    groupEnd: () => {
      indent = indent.slice(2);
    },
  });
}

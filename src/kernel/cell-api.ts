// What the kernel itself adds to every notebook's scope, beside the library: `prompt()` reads a line
// from the front end over the stdin channel, like the browser's prompt or Python's input().

/** How the kernel answers `prompt`; kept on globalThis so this module needs no kernel import. */
export type InputReader = (message: string, password: boolean) => string;
const readerKey = Symbol.for("tsgrad.inputReader");

export class StdinNotAvailableError extends Error {
  override name = "StdinNotAvailableError";
}

/** Asks the user for a line of text (an `input_request`); returns `defaultValue` when they enter nothing. */
export function prompt(message = "", defaultValue?: string): string {
  const reader = (globalThis as { [readerKey]?: InputReader })[readerKey];
  if (!reader) throw new StdinNotAvailableError("prompt() needs a front end that accepts input (allow_stdin)");
  const answer = reader(message, false);
  return answer === "" && defaultValue !== undefined ? defaultValue : answer;
}

/** Installs (or with null removes) the kernel's reader. */
export function setInputReader(reader: InputReader | null): void {
  const holder = globalThis as { [readerKey]?: InputReader };
  if (reader) holder[readerKey] = reader;
  else delete holder[readerKey];
}

// The engine adapter: tslab's converter turns a cell into JavaScript that shares declarations with
// earlier cells; we run it ourselves (not through tslab's executor, which prints values and errors
// to a console) so that a cell yields its last value, or an error whose frames point into the cell.
import { createHash } from "node:crypto";
import { Module, createRequire } from "node:module";
import path from "node:path";
import { inspect } from "node:util";
import vm from "node:vm";
import { LineMap, markStatements, unmarkColumn } from "./line-map.js";
import { instrumentLoops } from "./loop-checks.js";
import type { MarkedCell } from "./line-map.js";
import { isCompleteCode } from "./tslab.js";
import type { Converter, Diagnostic, QuickInfo } from "./tslab.js";

/** What running a cell gave: its last expression's value (if it had one), or an error. */
export type CellOutcome =
  | { status: "ok"; hasValue: false }
  | { status: "ok"; hasValue: true; value: unknown }
  | { status: "error"; ename: string; evalue: string; traceback: string[] };

export type ErrorOutcome = Extract<CellOutcome, { status: "error" }>;

export interface EngineOptions {
  /** Where relative imports and `require` resolve from (the notebook's directory). */
  cwd: string;
  /** Modules a cell's `import` gets without loading them again (e.g. "tsgrad" → the preloaded library). */
  modules: ReadonlyMap<string, object>;
  /** Kernel source directories; their frames are cut from tracebacks. */
  internalDirs: readonly string[];
  /** Where interrupts come from; without it, only SIGINT and `interrupt()` stop a cell. */
  interrupts?: InterruptSource;
}

/** What the engine needs to know of interrupts from the thread that receives them. */
export interface InterruptSource {
  /** A counter of interrupt requests; a change while a cell is being prepared cancels it. */
  interruptRequests(): number;
  /** Called as the first statement of a cell's script: from here SIGINT breaks the cell. */
  enterSignalRegion(): void;
  /** Called as the script's last statement, while SIGINT still breaks it. */
  leaveSignalRegion(): void;
  /** Called after the script returned or was broken. */
  resetSignalRegion(): void;
  /** Called as each cell starts, with a number that grows from 1. */
  beginCell(id: number): void;
  /** Called once the cell has settled (returned, failed or was interrupted). */
  endCell(): void;
  /** Element 0 is non-zero when a loop check should ask `takeBreak()`. */
  readonly breakFlag: Int32Array;
  /** True (once) when the running loop should stop for an interrupt. */
  takeBreak(): boolean;
}

/** Raised into a running cell by `interrupt()`. */
export class InterruptedError extends Error {
  override name = "Interrupted";
}

const cellGlobal = Symbol.for("tsgrad.cell");
const interruptedCode = "ERR_SCRIPT_EXECUTION_INTERRUPTED";

interface CellScript {
  label: string;
  /** The wrapped JavaScript; its line map is built only when a stack frame points into it. */
  source: string;
  lines?: LineMap;
  /** The wrapper's invocation: a frame here is plumbing, not the user's code. */
  callLine?: number;
}

export class Engine {
  private prevDecl = "";
  private readonly locals: Record<string, unknown> = {};
  private readonly exports: Record<string, unknown>;
  private readonly scripts = new Map<string, CellScript>();
  private readonly sideOutputs = new Map<string, string>();
  private readonly sideModules = new Map<string, NodeJS.Module>();
  private rejectRunning: ((error: Error) => void) | null = null;
  private cellCount = 0;
  /** The interrupt counter when the running cell started: older requests are not for it. */
  private runningSince = 0;

  constructor(
    private readonly converter: Converter,
    private readonly options: EngineOptions,
  ) {
    this.exports = this.createExports();
    const require = this.createCellRequire();
    const source = options.interrupts;
    (globalThis as Record<symbol, unknown>)[cellGlobal] = {
      exports: this.exports,
      require,
      enter: () => source?.enterSignalRegion(),
      leave: () => source?.leaveSignalRegion(),
      check: () => {
        if (source?.takeBreak()) throw new InterruptedError("execution interrupted");
      },
      breakFlag: source?.breakFlag ?? new Int32Array(1),
    };
    this.installStackTraces();
  }

  /**
   * Type-checks, transpiles and runs one cell. `label` names the cell in tracebacks (e.g. "Cell In[3]").
   * A synchronous loop is broken by SIGINT; an awaiting cell by `interrupt()`; a loop outside the
   * script by its break-flag check.
   */
  async execute(code: string, label: string): Promise<CellOutcome> {
    try {
      return await this.run(code, label);
    } finally {
      this.options.interrupts?.endCell();
    }
  }

  private async run(code: string, label: string): Promise<CellOutcome> {
    const interrupts = this.options.interrupts;
    interrupts?.beginCell(++this.cellCount);
    const interruptsBefore = interrupts?.interruptRequests();
    this.runningSince = interruptsBefore ?? 0;
    const marked = markStatements(code);
    const converted = this.converter.convert(this.prevDecl, withoutTsExtensions(marked.code));
    if (converted.diagnostics.length > 0) return this.compileError(code, marked, label, converted.diagnostics);
    if (converted.sideOutputs) {
      for (const side of converted.sideOutputs) {
        this.sideModules.delete(side.path);
        this.sideOutputs.set(side.path, side.data);
      }
    }
    const nextDecl = converted.declOutput ?? "";
    if (!converted.output) {
      this.prevDecl = nextDecl;
      return { status: "ok", hasValue: false };
    }

    // The cell runs inside a function bracketed by the signal region's calls (see InterruptSource);
    // an async cell's function returns at its first await, still inside the bracket. Its loops
    // check the break flag (loop-checks.ts), which the wrapper's parameters keep in scope.
    const inner = converted.hasToplevelAwait ? "async function () { " : "function () { ";
    const body = instrumentLoops(converted.output, "__tsgrad_break[0]!==0&&__tsgrad_cell.check();");
    const cell = `globalThis[Symbol.for("tsgrad.cell")]`;
    const wrapped =
      `(function (exports, require, __tsgrad_cell, __tsgrad_break) { __tsgrad_cell.enter(); try { return (${inner}${body}\n}).call(this); } finally { __tsgrad_cell.leave(); } })` +
      `(${cell}.exports, ${cell}.require, ${cell}, ${cell}.breakFlag)`;
    // Named by content: V8 reuses its compilation of a script it has seen under the same name (a
    // cell run again), and identical cells share one entry, labelled by the latest run.
    const filename = `tsgrad-cell-${createHash("sha1").update(wrapped).digest("hex").slice(0, 16)}`;
    const known = this.scripts.get(filename);
    if (known) known.label = label;
    else this.scripts.set(filename, { label, source: wrapped });

    if (interrupts?.interruptRequests() !== interruptsBefore) {
      return this.errorOutcome(new InterruptedError("execution interrupted"));
    }
    const interrupted = new Promise<never>((_, reject) => {
      this.rejectRunning = reject;
    });
    interrupted.catch(() => {});
    try {
      let returned: unknown;
      try {
        returned = vm.runInThisContext(wrapped, { filename, breakOnSigint: true, displayErrors: false });
      } finally {
        interrupts?.resetSignalRegion();
      }
      if (converted.hasToplevelAwait) await Promise.race([returned, interrupted]);
      let value: unknown = undefined;
      if (converted.lastExpressionVar) {
        value = this.exports[converted.lastExpressionVar];
        delete this.locals[converted.lastExpressionVar];
      }
      // A cell ending in a promise shows what it settles to (so a rejection is this cell's error).
      if (isThenable(value)) value = await Promise.race([value, interrupted]);
      // An async Jupyter.display method is awaited, as Deno's kernel does.
      const shows = displayMethod(value);
      if (shows) {
        const bundle = shows();
        if (isThenable(bundle)) value = withBundle(value, await Promise.race([bundle, interrupted]));
      }
      this.prevDecl = nextDecl;
      return value === undefined ? { status: "ok", hasValue: false } : { status: "ok", hasValue: true, value };
    } catch (error) {
      // Declarations that ran before the failure stay usable in later cells.
      this.prevDecl = nextDecl;
      return this.errorOutcome(error);
    } finally {
      this.rejectRunning = null;
    }
  }

  /**
   * Stops an awaiting cell (a synchronous one is stopped by SIGINT itself). With `request` (the
   * interrupt counter's value for it), a cell that started after that request is left running.
   */
  interrupt(request?: number): boolean {
    if (!this.rejectRunning) return false;
    if (request !== undefined && request <= this.runningSince) return false;
    this.rejectRunning(new InterruptedError("execution interrupted"));
    return true;
  }

  complete(code: string, cursor: number): { start: number; end: number; matches: string[] } {
    const info = this.converter.complete(this.prevDecl, code, cursor);
    return { start: info.start, end: info.end, matches: info.candidates };
  }

  /** Type and documentation of the symbol at `cursor`, or undefined when there is none. */
  inspect(code: string, cursor: number): { signature: string; documentation: string } | undefined {
    let info: QuickInfo | undefined;
    // The token just before the cursor is what the user means in `foo|(`.
    for (const at of [cursor, cursor - 1]) {
      if (at < 0) continue;
      info = this.converter.inspect(this.prevDecl, code, at);
      // An unresolved name answers with kind "" and type any: nothing to show.
      if (info && info.kind === "") info = undefined;
      if (info) break;
    }
    if (!info) return undefined;
    const signature = asFunction((info.displayParts ?? []).map((part) => part.text).join(""));
    const docs = (info.documentation ?? []).map((part) => part.text).join("");
    const tags = (info.tags ?? []).map(
      (tag) => `@${tag.name}${tag.text ? " " + tag.text.map((part) => part.text).join("") : ""}`,
    );
    return { signature, documentation: [docs, ...tags].filter((text) => text !== "").join("\n\n") };
  }

  isComplete(code: string): { status: "complete" } | { status: "incomplete"; indent: string } {
    const result = isCompleteCode(code);
    return result.completed ? { status: "complete" } : { status: "incomplete", indent: result.indent ?? "" };
  }

  /** An `error` outcome for anything thrown, with cell frames mapped and kernel frames cut. */
  errorOutcome(error: unknown): ErrorOutcome {
    if (isInterruption(error)) {
      return { status: "error", ename: "Interrupted", evalue: "execution interrupted", traceback: ["Interrupted: execution interrupted"] };
    }
    if (error instanceof Error || (typeof error === "object" && error !== null && "stack" in error)) {
      const e = error as Error;
      const ename = e.name || e.constructor?.name || "Error";
      const evalue = e.message ?? "";
      const stack = typeof e.stack === "string" ? e.stack : `${ename}: ${evalue}`;
      return { status: "error", ename, evalue, traceback: this.trimStack(stack) };
    }
    const shown = inspect(error);
    return { status: "error", ename: "Uncaught", evalue: shown, traceback: [`Uncaught ${shown}`] };
  }

  private compileError(code: string, marked: MarkedCell, label: string, diagnostics: Diagnostic[]): ErrorOutcome {
    const lines = code.split("\n");
    const traceback: string[] = [];
    let evalue = "";
    for (const diag of diagnostics) {
      const line = diag.start.line;
      const column = unmarkColumn(marked, line, diag.start.character);
      const where = diag.fileName ? `${diag.fileName}:${line + 1}:${column + 1}` : `${label}:${line + 1}:${column + 1}`;
      const message = `${where} - error TS${diag.code}: ${diag.messageText}`;
      evalue ||= `${diag.messageText} (${where})`;
      traceback.push(message);
      if (!diag.fileName && lines[line] !== undefined) {
        const endColumn = diag.end.line === line ? unmarkColumn(marked, line, diag.end.character) : lines[line]!.length;
        traceback.push(`    ${lines[line]}`, `    ${" ".repeat(column)}${"~".repeat(Math.max(1, endColumn - column))}`);
      }
    }
    return { status: "error", ename: "TSError", evalue, traceback };
  }

  private trimStack(stack: string): string[] {
    const lines = stack.split("\n");
    const kept: string[] = [];
    for (const line of lines) {
      const isFrame = /^\s+at /.test(line);
      if (isFrame && (line.includes("node:vm") || line.includes("node:internal") || this.isInternal(line))) continue;
      kept.push(line);
    }
    return kept;
  }

  private isInternal(frame: string): boolean {
    return this.options.internalDirs.some((dir) => frame.includes(dir));
  }

  /** Cell frames read `at f (Cell In[3]:2:5)` in every stack, including ones a cell prints itself. */
  private installStackTraces(): void {
    const scripts = this.scripts;
    Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]): string => {
      let header: string;
      try {
        header = Error.prototype.toString.call(error);
      } catch {
        header = "Error";
      }
      const body: string[] = [];
      for (const frame of frames) {
        let text = String(frame);
        const file = frame.getFileName();
        const script = file ? scripts.get(file) : undefined;
        const line = frame.getLineNumber();
        const column = frame.getColumnNumber();
        if (script && file && line !== null && column !== null) {
          script.lines ??= new LineMap(script.source);
          script.callLine ??= script.source.split("\n").length;
          if (line === script.callLine) continue;
          const at = script.lines.toCell(line, column);
          // Cell declarations live on the exports proxy, which V8 names as the receiver.
          text = text.replace(/^Proxy\./, "").replace(`${file}:${line}:${column}`, at ? `${script.label}:${at.line}:${at.column}` : script.label);
        }
        body.push(`\n    at ${text}`);
      }
      return header + body.join("");
    };
  }

  private createExports(): Record<string, unknown> {
    const locals = this.locals;
    // TypeScript's CommonJS output defines named imports with getters; store their values so a
    // later cell can reassign them (as tslab does).
    return new Proxy(locals, {
      defineProperty(_target, property, attributes) {
        if (property === "__esModule") return true;
        locals[property as string] = attributes.get ? attributes.get() : attributes.value;
        return true;
      },
    });
  }

  private createCellRequire(): NodeJS.Require {
    const base = createRequire(path.join(this.options.cwd, "__tsgrad_cell__.js"));
    const { modules } = this.options;
    const load = (id: string, from: NodeJS.Require, dir: string): unknown => {
      const preloaded = modules.get(id);
      if (preloaded) return preloaded;
      const side = this.requireSideOutput(id, dir);
      if (side !== undefined) return side;
      return from(id);
    };
    return new Proxy(base, {
      apply: (_target, _this, args: unknown[]) => load(String(args[0]), base, this.options.cwd),
    });
  }

  /** `.ts` files next to the notebook, transpiled by the converter along with the cell that imports them. */
  private requireSideOutput(id: string, dir: string): unknown {
    if (!id.startsWith(".") && !path.isAbsolute(id)) return undefined;
    let filename = path.resolve(dir, id).replace(/\\/g, "/");
    if (path.extname(filename) === "") filename += ".js";
    const cached = this.sideModules.get(filename);
    if (cached) return cached.exports;
    const source = this.sideOutputs.get(filename);
    if (source === undefined) return undefined;
    const module = new Module(filename) as CompilableModule;
    module.filename = filename;
    module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(filename));
    const own = createRequire(filename);
    module.require = new Proxy(own, {
      apply: (_t, _this, args: unknown[]) => {
        const id = String(args[0]);
        return this.requireSideOutput(id, path.dirname(filename)) ?? this.options.modules.get(id) ?? own(id);
      },
    });
    this.sideModules.set(filename, module);
    module._compile(source, filename);
    return module.exports;
  }
}

/**
 * A preloaded library function is a global `var f: (x: T) => R`; shown as `function f(x: T): R`,
 * the way its declaration reads. Anything else is returned unchanged.
 */
export function asFunction(signature: string): string {
  const head = /^var ([\w$]+): \(/.exec(signature);
  if (!head) return signature;
  let depth = 0;
  for (let i = head[0].length - 1; i < signature.length; i++) {
    const char = signature[i]!;
    if ("([{<".includes(char)) depth++;
    else if (")]}".includes(char) || (char === ">" && signature[i - 1] !== "=")) depth--;
    if (depth === 0) {
      const rest = signature.slice(i + 1);
      if (!rest.startsWith(" => ")) return signature;
      return `function ${head[1]}${signature.slice(head[0].length - 1, i + 1)}: ${rest.slice(4)}`;
    }
  }
  return signature;
}

/** Node's CommonJS module, with the method that runs source as that module. */
type CompilableModule = NodeJS.Module & { _compile(code: string, filename: string): void };

const jupyterDisplay = Symbol.for("Jupyter.display");

/** The value's `[Symbol.for("Jupyter.display")]` method, bound to it, if it has one. */
function displayMethod(value: unknown): (() => unknown) | undefined {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return undefined;
  const method = (value as Record<symbol, unknown>)[jupyterDisplay];
  return typeof method === "function" ? () => (method as () => unknown).call(value) : undefined;
}

/** A stand-in for `value` that displays as `bundle` (its async display method's result) and inspects as `value`. */
function withBundle(value: unknown, bundle: unknown): object {
  return { [jupyterDisplay]: () => bundle, [inspect.custom]: () => inspect(value, { depth: 2 }) };
}

/**
 * `import … from "./helper.ts"` as `"./helper"`: the converter's TypeScript (5.0) refuses the `.ts`
 * extension while it emits JavaScript, and resolves the extensionless path to the same file.
 */
export function withoutTsExtensions(code: string): string {
  return code.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(["'])(\.{1,2}\/[^"'\n]*?)\.tsx?\2/g, "$1$2$3$2");
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

function isInterruption(error: unknown): boolean {
  return (
    error instanceof InterruptedError ||
    (typeof error === "object" && error !== null && (error as { code?: unknown }).code === interruptedCode) ||
    (error instanceof Error && error.name === "Interrupted")
  );
}

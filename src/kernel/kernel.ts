// The kernel process: builds the engine with the library preloaded, binds the sockets (shell and iopub
// here, the rest in the control thread), and routes a cell's console, displays, prompts, exits and
// stray errors to the right messages.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { setDisplaySink } from "../display/display-sink.js";
import { setInputReader, StdinNotAvailableError } from "./cell-api.js";
import { SharedState } from "./shared-state.js";
import { Channels } from "./channels.js";
import { Engine } from "./engine.js";
import type { ErrorOutcome, InterruptSource } from "./engine.js";
import { Handlers } from "./handlers.js";
import { log } from "./log.js";
import { IopubPublisher } from "./iopub-publisher.js";
import { installFastConsole } from "./fast-console.js";
import { budgetOptions, OutputBudget } from "./output-budget.js";
import { installGlobals, loadPreload, packageRoot, resolveLibraryFrom } from "./preload.js";
import type { Preload } from "./preload.js";
import { createConverter, ts } from "./tslab.js";
import type { ConnectionInfo } from "./wire.js";

/** Thrown by `process.exit()` inside a cell: the kernel reports it and keeps its state, like ipykernel's SystemExit. */
export class ProcessExitError extends Error {
  override name = "ProcessExit";
  constructor(readonly code: number | string | null | undefined) {
    super(`process.exit(${code ?? ""}) was called in a cell; the kernel keeps running (restart it to start afresh)`);
  }
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}

/** The virtual module (in the converter only) declaring the preloaded globals. */
const globalsModule = "__tsgrad_globals__";

/** Builds the engine with the whole library in scope. */
export async function createEngine(
  cwd: string,
  interrupts?: InterruptSource,
): Promise<{ engine: Engine; library: Record<string, unknown> }> {
  resolveLibraryFrom(cwd);
  const converter = createConverter();
  let preload: Preload;
  try {
    preload = await loadPreload();
  } catch (error) {
    // A broken library build must not take the kernel down: cells still run, without the preload.
    log(`could not load the tsgrad library: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    preload = { modules: new Map(), globals: "", values: {}, library: {} };
  }
  const engine = new Engine(converter, {
    cwd,
    modules: preload.modules,
    internalDirs: [path.join(packageRoot, "dist", "kernel"), path.join(packageRoot, "node_modules", "tslab")],
    interrupts,
  });
  if (preload.globals) {
    const problems = converter.addModule(globalsModule, preload.globals);
    if (problems.length > 0) log(`declaring the library's globals: ${problems.map((d) => d.messageText).join("; ")}`);
    installGlobals(preload.values);
  }
  return { engine, library: preload.library };
}

function captureStream(stream: NodeJS.WriteStream, name: "stdout" | "stderr", output: IopubPublisher): void {
  stream.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
    output.stream(name, text);
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") queueMicrotask(() => (done as () => void)());
    return true;
  }) as typeof stream.write;
}

/**
 * An error no cell awaited (thrown in a timer, a promise nobody awaited, an event handler) is shown
 * with the request running when it came, often a later cell: its first line says where it came from.
 */
export function strayOutcome(outcome: ErrorOutcome): ErrorOutcome {
  const cell = /\((Cell In\[\d+\]|Cell):\d+:\d+\)/.exec(outcome.traceback.join("\n"))?.[1];
  const origin = cell ? `in a callback ${cell} started` : "in a callback a cell started";
  return { ...outcome, traceback: [`Uncaught ${outcome.ename} ${origin} (a timer, an unawaited promise or an event), not in the cell running now:`, ...outcome.traceback] };
}

/** Ends the kernel when the Jupyter process that started it is gone (as ipykernel's parent poller does). */
function watchParent(exit: (code: number) => void): void {
  const parent = Number(process.env["JPY_PARENT_PID"]);
  if (!Number.isInteger(parent) || parent <= 1) return;
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      log(`parent process ${parent} is gone; exiting`);
      exit(0);
    }
  }, 2000).unref();
}

/** Runs the kernel for a connection file until a shutdown request; resolves to the exit code. */
export async function runKernel(connectionFile: string): Promise<number> {
  const connection = JSON.parse(readFileSync(connectionFile, "utf8")) as ConnectionInfo;
  const realExit = process.exit.bind(process) as (code?: number) => never;
  const session = randomUUID();

  // The sockets start after the (slow) engine; until then nothing can ask for an interrupt.
  const shared = new SharedState();
  const { engine, library } = await createEngine(process.cwd(), shared);
  // A SIGINT from outside must not meet the default (exit) while no cell script runs. It breaks a
  // synchronous cell by itself (breakOnSigint); an awaiting cell needs telling.
  process.on("SIGINT", () => engine.interrupt());
  let channels: Channels;
  try {
    channels = await Channels.start(connection, session, shared);
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    // The converter's file watchers would keep a kernel without sockets alive.
    return realExit(1);
  }
  const output = new IopubPublisher(channels, new OutputBudget(shared, budgetOptions()), (pending) => shared.setOutputPending(pending));
  shared.onFlushRequest(() => output.flush());

  captureStream(process.stdout, "stdout", output);
  captureStream(process.stderr, "stderr", output);
  installFastConsole(
    console,
    (text) => output.stream("stdout", text),
    (text) => output.stream("stderr", text),
  );
  setDisplaySink({
    display: (message) => output.display(message),
    clearOutput: (wait) => output.clearOutput(wait),
  });
  process.exit = ((code?: number | string | null) => {
    throw new ProcessExitError(code);
  }) as typeof process.exit;
  // Errors thrown later by a cell's callbacks go to the front end, saying so; the kernel lives on.
  const reportStray = (error: unknown): void => {
    try {
      output.error(strayOutcome(engine.errorOutcome(error)));
    } catch (failure) {
      log(`could not report an uncaught error: ${String(failure)} (while reporting ${String(error)})`);
    }
  };
  process.on("uncaughtException", reportStray);
  process.on("unhandledRejection", reportStray);

  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => (finish = resolve));
  // The sockets must be closed before exiting: zeromq aborts a process that exits with them open.
  const stop = (code: number): void => {
    const give = setTimeout(() => finish(code), 2000);
    void channels.close().finally(() => {
      clearTimeout(give);
      finish(code);
    });
  };
  const flushDisplays = library["flushDisplays"];
  const handlers = new Handlers(
    channels,
    engine,
    output,
    { implementationVersion: packageVersion(), typescriptVersion: ts.version },
    {
      shutdown: () => stop(0),
      afterCell: () => {
        if (typeof flushDisplays === "function") flushDisplays();
      },
    },
  );
  setInputReader((prompt, password) => {
    const target = handlers.inputTarget;
    if (!target) throw new StdinNotAvailableError("prompt() needs a front end that accepts input (allow_stdin was false)");
    // What the cell printed before asking is shown before the question.
    output.flush();
    return channels.readInput(target.identities, target.message.header, prompt, password);
  });
  channels.onInterrupt((request, parent) => {
    // The loops' break flag stays set: an awaited function that keeps looping (and awaiting) after
    // the cell is stopped here ends at its next loop check.
    engine.interrupt(request);
    handlers.interrupted(parent);
  });
  channels.onControl((envelope) => handlers.serveControl(envelope));
  channels.serveShell((envelope) => handlers.serveShell(envelope));
  output.status("starting", {});
  watchParent(stop);

  const code = await finished;
  // The converter's file watchers would keep the process alive.
  return realExit(code);
}

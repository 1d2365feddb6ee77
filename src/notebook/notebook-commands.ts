// `tsgrad run` and `tsgrad test`: argument parsing and the choice of transport.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { KernelProvider } from "./kernel-client.js";
import { runNotebooks } from "./run-command.js";
import { parseSanitizeFile } from "./sanitizer.js";
import { testNotebooks } from "./test-command.js";
import { ZmqKernelProvider } from "./zmq-kernel.js";

const DEFAULT_TIMEOUT_S = 300;

const runUsage = `usage: tsgrad run NOTEBOOK... [--inplace | --output DIR] [--timeout S] [--kernel NAME]
                  [--allow-errors] [--record-timing] [--server URL --token T]
  Executes each notebook with a fresh kernel and saves it executed (NAME.nbconvert.ipynb by default).
  --record-timing keeps nbclient's per-cell timestamps (left out by default so re-runs diff cleanly).`;

const testUsage = `usage: tsgrad test PATH... [--sanitize-with FILE] [--lax] [--timeout S] [--kernel NAME]
                   [--server URL --token T]
  Re-executes the notebooks under PATH and compares every code cell's outputs with the saved ones
  (nbval rules and cell tags: nbval-ignore-output, nbval-check-output, nbval-skip, raises-exception).`;

class UsageError extends Error {
  override name = "UsageError";
}

const transportOptions = {
  timeout: { type: "string" },
  kernel: { type: "string" },
  server: { type: "string" },
  token: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function seconds(value: string | undefined, flag: string): number {
  if (value === undefined) return DEFAULT_TIMEOUT_S * 1000;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new UsageError(`${flag} must be a positive number of seconds, got '${value}'`);
  return parsed * 1000;
}

async function providerFor(server: string | undefined, token: string | undefined): Promise<KernelProvider> {
  if (server === undefined) return new ZmqKernelProvider();
  const { ServerKernelProvider } = await import("./server-kernel.js");
  return new ServerKernelProvider(server, token ?? "");
}

function log(line: string): void {
  process.stderr.write(line + "\n");
}

async function guarded(usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      log(`tsgrad: ${(error as Error).message}\n${usage}`);
      return 2;
    }
    throw error;
  }
}

/** `tsgrad run`: 0 when every notebook executed without error. */
export async function run(args: string[]): Promise<number> {
  return guarded(runUsage, async () => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        ...transportOptions,
        inplace: { type: "boolean" },
        output: { type: "string" },
        "allow-errors": { type: "boolean" },
        "record-timing": { type: "boolean" },
      },
    });
    if (values.help) {
      console.log(runUsage);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError("no notebook given");
    if (values.inplace && values.output !== undefined) throw new UsageError("--inplace and --output exclude each other");
    const failures = await runNotebooks(positionals, {
      provider: await providerFor(values.server, values.token),
      kernelName: values.kernel,
      timeoutMs: seconds(values.timeout, "--timeout"),
      destination: values.inplace
        ? { kind: "inplace" }
        : values.output !== undefined
          ? { kind: "dir", dir: values.output }
          : { kind: "beside" },
      allowErrors: values["allow-errors"] ?? false,
      recordTiming: values["record-timing"] ?? false,
      log,
    });
    return failures === 0 ? 0 : 1;
  });
}

/** `tsgrad test`: 0 when every checked cell ran and matched its saved outputs. */
export async function test(args: string[]): Promise<number> {
  return guarded(testUsage, async () => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...transportOptions, "sanitize-with": { type: "string" }, lax: { type: "boolean" } },
    });
    if (values.help) {
      console.log(testUsage);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError("no notebook or directory given");
    const sanitizeFile = values["sanitize-with"];
    const summary = await testNotebooks(positionals, {
      provider: await providerFor(values.server, values.token),
      kernelName: values.kernel,
      timeoutMs: seconds(values.timeout, "--timeout"),
      lax: values.lax ?? false,
      sanitizeRules: sanitizeFile === undefined ? [] : parseSanitizeFile(await readFile(sanitizeFile, "utf8")),
      log,
    });
    return summary.failed === 0 && summary.cells.length > 0 ? 0 : 1;
  });
}

// The lessons in notebooks/ re-executed and compared with their saved outputs (`tsgrad test notebooks/`),
// with notebooks/nbval-sanitize.cfg when present. Runs once notebooks exist and the tsgrad kernel answers.
import { existsSync, readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../src/notebook/find-kernelspec.js";
import { parseSanitizeFile } from "../../src/notebook/sanitizer.js";
import { testNotebooks } from "../../src/notebook/test-command.js";
import { ZmqKernelProvider } from "../../src/notebook/zmq-kernel.js";

const notebooksDir = join(REPO_ROOT, "notebooks");
const notebooks = existsSync(notebooksDir) ? readdirSync(notebooksDir).filter((name) => name.endsWith(".ipynb")) : [];
const built = existsSync(join(REPO_ROOT, "dist", "cli.js"));

describe.skipIf(notebooks.length === 0 || !built)("notebooks/ (nbval regression)", () => {
  it("re-executes every lesson to its saved outputs", { timeout: 180_000 }, async () => {
    const sanitizeFile = join(notebooksDir, "nbval-sanitize.cfg");
    const log: string[] = [];
    const summary = await testNotebooks([notebooksDir], {
      provider: new ZmqKernelProvider(),
      timeoutMs: 120_000,
      lax: false,
      sanitizeRules: existsSync(sanitizeFile) ? parseSanitizeFile(await readFile(sanitizeFile, "utf8")) : [],
      log: (line) => log.push(line),
    });
    expect(summary.failed, log.join("\n")).toBe(0);
    expect(summary.passed).toBeGreaterThan(0);
  });
});

// The lessons in notebooks/ re-executed and compared with their saved outputs (`tsgrad test notebooks/`),
// with notebooks/nbval-sanitize.cfg when present; and, from the same run, as the real nbval
// (`pytest --nbval`, not installable here) would compare them: first frames of live displays against
// the saved state (./nbval-outputs.ts). Runs once notebooks exist and the tsgrad kernel answers.
import { existsSync, readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../src/notebook/find-kernelspec.js";
import type { JupyterMessage } from "../../src/notebook/messages.js";
import { nbvalOutputs } from "../../src/notebook/nbval-outputs.js";
import { isCodeCell, readNotebook } from "../../src/notebook/notebook-file.js";
import { DEFAULT_SKIP_COMPARE, compareOutputs } from "../../src/notebook/output-comparer.js";
import { parseSanitizeFile } from "../../src/notebook/sanitizer.js";
import { testNotebooks } from "../../src/notebook/test-command.js";
import { ZmqKernelProvider } from "../../src/notebook/zmq-kernel.js";

const notebooksDir = join(REPO_ROOT, "notebooks");
const notebooks = existsSync(notebooksDir) ? readdirSync(notebooksDir).filter((name) => name.endsWith(".ipynb")) : [];
const built = existsSync(join(REPO_ROOT, "dist", "cli.js"));

describe.skipIf(notebooks.length === 0 || !built)("notebooks/ (nbval regression)", () => {
  it("re-executes every lesson to its saved outputs, as tsgrad test (final states) and as nbval (first frames) compare them", { timeout: 400_000 }, async () => {
    const sanitizeFile = join(notebooksDir, "nbval-sanitize.cfg");
    const log: string[] = [];
    const messages = new Map<string, JupyterMessage[]>();
    const summary = await testNotebooks([notebooksDir], {
      provider: new ZmqKernelProvider(),
      timeoutMs: 120_000,
      lax: false,
      sanitizeRules: existsSync(sanitizeFile) ? parseSanitizeFile(await readFile(sanitizeFile, "utf8")) : [],
      log: (line) => log.push(line),
      onMessage: (notebook, message, index) => {
        const key = `${notebook}#${index}`;
        messages.set(key, [...(messages.get(key) ?? []), message]);
      },
    });
    expect(summary.failed, log.join("\n")).toBe(0);
    expect(summary.passed).toBeGreaterThan(0);

    // nbval's view of the same run: plain `pytest --nbval notebooks/` (no sanitize file, default skips).
    const nbvalFailures: string[] = [];
    let compared = 0;
    for (const verdict of summary.cells) {
      const saved = (await readNotebook(verdict.notebook)).cells[verdict.index]!;
      if (!isCodeCell(saved)) continue;
      const mismatch = compareOutputs(nbvalOutputs(messages.get(`${verdict.notebook}#${verdict.index}`) ?? []), saved.outputs, {
        sanitize: (value) => value,
        skip: new Set(DEFAULT_SKIP_COMPARE),
      });
      compared++;
      if (mismatch) nbvalFailures.push(`${verdict.notebook} cell ${verdict.number}: ${mismatch.report}`);
    }
    expect(nbvalFailures, "cells the real nbval would fail").toEqual([]);
    expect(compared).toBe(summary.cells.length);
  });
});

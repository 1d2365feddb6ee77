// Whether Debian's Jupyter tools are here; tests needing them skip without them, unless
// TSGRAD_REQUIRE_JUPYTER=1 (CI), where their absence fails the test.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const python = "/usr/bin/python3";
export const requireJupyter = process.env["TSGRAD_REQUIRE_JUPYTER"] === "1";

/** Empty when every module imports, else what is missing. */
export function missingPython(modules: string[]): string {
  if (!existsSync(python)) return `${python} not found`;
  const result = spawnSync(python, ["-c", modules.map((m) => `import ${m}`).join("; ")], { encoding: "utf8" });
  return result.status === 0 ? "" : (result.stderr.trim().split("\n").pop() ?? "import failed");
}

/** The compiled kernel must exist: `npm test` builds it first (scripts/pretest.sh). */
export function assertBuilt(): void {
  if (!existsSync(path.join(root, "dist", "kernel", "kernel.js"))) {
    throw new Error("dist/kernel/kernel.js is missing: run `npm run build` before the kernel tests");
  }
}

/** Installs the kernelspec with our own CLI into a fresh Jupyter data dir; returns the env to use. */
export function installIntoTemp(): NodeJS.ProcessEnv {
  assertBuilt();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tsgrad-jupyter-"));
  const env = { ...process.env, JUPYTER_DATA_DIR: dataDir, JUPYTER_PATH: dataDir, JUPYTER_RUNTIME_DIR: path.join(dataDir, "runtime") };
  const result = spawnSync(process.execPath, [path.join(root, "bin", "tsgrad.js"), "install"], { env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`tsgrad install failed: ${result.stderr}`);
  return env;
}

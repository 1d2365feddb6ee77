// Whether Debian's Jupyter (python3-ipykernel, jupyter-server) is here; its absence skips these tests,
// except in CI (TSGRAD_REQUIRE_JUPYTER=1), where it is a failure.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "../../src/notebook/find-kernelspec.js";
import { DEBIAN_PYTHON } from "../support/jupyter-app.js";

export { DEBIAN_PYTHON };
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

function pythonHas(module: string): boolean {
  const result = spawnSync(DEBIAN_PYTHON, ["-c", `import ${module}`], { stdio: "ignore", timeout: 20_000 });
  return result.status === 0;
}

const required = process.env.TSGRAD_REQUIRE_JUPYTER === "1";

function availability(module: string): boolean {
  const present = pythonHas(module);
  if (!present && required) throw new Error(`TSGRAD_REQUIRE_JUPYTER=1 but ${DEBIAN_PYTHON} cannot import ${module}`);
  return present;
}

export const hasIpykernel = availability("ipykernel");
export const hasJupyterServer = availability("jupyter_server");
export const hasNbconvert = availability("nbconvert");

/**
 * Whether this repository's kernel is built (`npm run build`, which `npm test` runs first). Only its
 * absence skips the tests that start it; a built kernel that does not start fails them.
 */
export function tsgradKernelBuilt(): boolean {
  const built = existsSync(join(REPO_ROOT, "dist", "cli.js"));
  if (!built && required) throw new Error("TSGRAD_REQUIRE_JUPYTER=1 but the tsgrad kernel is not built (npm run build)");
  return built;
}

// Whether Debian's Jupyter (python3-ipykernel, jupyter-server) is here; its absence skips these tests,
// except in CI (TSGRAD_REQUIRE_JUPYTER=1), where it is a failure.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "../../src/notebook/find-kernelspec.js";
import { ZmqKernelProvider } from "../../src/notebook/zmq-kernel.js";
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

/** Whether this repository's kernel (`node bin/tsgrad.js kernel`) is built and answers kernel_info. */
export async function tsgradKernelAnswers(): Promise<boolean> {
  if (!existsSync(join(REPO_ROOT, "dist", "cli.js"))) return false;
  try {
    const kernel = await new ZmqKernelProvider({ startupTimeoutMs: 30_000 }).start("tsgrad", REPO_ROOT);
    await kernel.shutdown();
    return true;
  } catch {
    return false;
  }
}

// Debian's classic Jupyter Notebook (notebook 6.x), started for a test on 127.0.0.1 with a random
// port and token, throwaway Jupyter dirs, and the tsgrad kernelspec installed into a temp prefix on
// JUPYTER_PATH (as `tsgrad install --prefix` leaves it). Stopped by process id.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DEBIAN_PYTHON, type JupyterApp, registerKernelIn, startJupyterApp } from "../support/jupyter-app.js";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** Whether Debian's classic notebook server can be started (python3 -m notebook, version 6). */
export function haveClassicNotebook(): boolean {
  if (!existsSync(DEBIAN_PYTHON)) return false;
  const probe = spawnSync(DEBIAN_PYTHON, ["-c", "import notebook, sys; sys.exit(0 if notebook.__version__.startswith('6.') else 1)"], {
    stdio: "ignore",
    timeout: 20_000,
  });
  return probe.status === 0;
}

export interface ClassicNotebook extends JupyterApp {
  /** The prefix the kernelspec went into (its share/jupyter is JUPYTER_PATH). */
  prefix: string;
}

/** Registers this checkout's kernel (`node bin/tsgrad.js install --prefix`) and starts the server. */
export async function startClassicNotebook(): Promise<ClassicNotebook> {
  let prefix = "";
  const server = await startJupyterApp({
    app: "notebook",
    tempPrefix: "tsgrad-classic-",
    readyPath: "api/kernelspecs",
    readyTimeoutMs: 40_000,
    prepare: (base) => {
      const registered = registerKernelIn(base);
      prefix = registered.prefix;
      return registered.env;
    },
  });
  return { ...server, prefix };
}

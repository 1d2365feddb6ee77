// The JupyterLab harness: JupyterLab 4's front end built from npm (test/jupyterlab/app, its own
// package.json and lock file) and served by Debian's jupyterlab_server 2.16 on jupyter_server 1.23,
// with this checkout's tsgrad kernel registered. The app's node_modules (~500 MB) is installed on
// demand and kept while the lock file is unchanged; the build is redone when its inputs change.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEBIAN_PYTHON, type JupyterApp, registerKernelIn, startJupyterApp } from "./jupyter-app.js";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const HARNESS = join(REPO, "test/jupyterlab/app");

/** Whether Debian's jupyterlab_server and jupyter_server can be imported. */
export function haveJupyterLabServer(): boolean {
  if (!existsSync(DEBIAN_PYTHON)) return false;
  const probe = spawnSync(DEBIAN_PYTHON, ["-c", "import jupyterlab_server, jupyter_server"], { stdio: "ignore", timeout: 20_000 });
  return probe.status === 0;
}

const hashOf = (files: string[]): string => {
  const hash = createHash("sha256");
  for (const f of files) hash.update(f).update(readFileSync(join(HARNESS, f)));
  return hash.digest("hex");
};
const readStamp = (file: string): string | undefined => (existsSync(file) ? readFileSync(file, "utf8") : undefined);

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: HARNESS, encoding: "utf8", timeout: 15 * 60_000, env: { ...process.env, NODE_ENV: "development" } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} in ${HARNESS} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
}

/**
 * Installs (npm ci) the harness's packages unless node_modules was installed from this very lock
 * file, and builds it unless build/ was built from these very sources. Several test files may ask
 * at once: a lock directory makes the others wait.
 */
export async function ensureJupyterLabBuilt(): Promise<void> {
  const lock = join(HARNESS, ".building");
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is stale after 15 minutes.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${lock} is held by another run`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    const installStamp = join(HARNESS, "node_modules/.tsgrad-install-hash");
    const installHash = hashOf(["package.json", "package-lock.json", ".npmrc"]);
    if (readStamp(installStamp) !== installHash) {
      run("npm", ["ci"]);
      writeFileSync(installStamp, installHash);
    }
    const buildStamp = join(HARNESS, "build/.tsgrad-build-hash");
    const buildHash = `${installHash}:${hashOf(["index.js", "rspack.config.js"])}`;
    if (readStamp(buildStamp) !== buildHash) {
      run(process.execPath, [join(HARNESS, "node_modules/@rspack/cli/bin/rspack.js"), "build", "--config", "rspack.config.js"]);
      writeFileSync(buildStamp, buildHash);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface JupyterLab extends JupyterApp {
  /** The prefix the kernelspec went into (its share/jupyter is JUPYTER_PATH). */
  prefix: string;
}

/** Registers this checkout's kernel (`node bin/tsgrad.js install --prefix`) and serves the harness. */
export async function startJupyterLab(): Promise<JupyterLab> {
  let prefix = "";
  const server = await startJupyterApp({
    app: { script: join(HARNESS, "server.py") },
    tempPrefix: "tsgrad-jupyterlab-",
    readyPath: "lab/api/settings",
    readyTimeoutMs: 40_000,
    prepare: (base) => {
      const registered = registerKernelIn(base);
      prefix = registered.prefix;
      for (const dir of ["settings", "workspaces"]) mkdirSync(join(base, dir));
      return registered.env;
    },
    // The user's settings (the theme) and workspaces go to the temp dir, not into the build.
    args: (base) => [`--TsgradLab.user_settings_dir=${join(base, "settings")}`, `--TsgradLab.workspaces_dir=${join(base, "workspaces")}`],
  });
  return { ...server, prefix };
}

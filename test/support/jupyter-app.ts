// A Jupyter server process of Debian's, started by a test on 127.0.0.1 with a random port and token
// and throwaway Jupyter dirs (root/, data/, runtime/, config/ in one temp dir), stopped by process id.
// Used for jupyter_server (ServerApp), the classic notebook 6.x (NotebookApp) and the JupyterLab
// harness (test/jupyterlab/app/server.py, a jupyterlab_server app on ServerApp).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePorts } from "../../src/notebook/connection-file.js";

export const DEBIAN_PYTHON = "/usr/bin/python3";
const REPO = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Registers this checkout's kernel in `base/prefix` (`node bin/tsgrad.js install --prefix`), as a
 * user's `tsgrad install --prefix` leaves it; returns the prefix and the environment that makes a
 * Jupyter server see it (and nothing from the user's own IPython profile).
 */
export function registerKernelIn(base: string): { prefix: string; env: NodeJS.ProcessEnv } {
  const prefix = join(base, "prefix");
  mkdirSync(prefix);
  const install = spawnSync(process.execPath, [join(REPO, "bin/tsgrad.js"), "install", "--prefix", prefix], { encoding: "utf8" });
  if (install.status !== 0) throw new Error(`tsgrad install --prefix failed: ${install.stderr}`);
  return { prefix, env: { JUPYTER_PATH: join(prefix, "share", "jupyter"), IPYTHONDIR: join(base, "ipython") } };
}

/** The Python module run, with the config class and the option naming the directory served. */
const apps = {
  jupyter_server: { config: "ServerApp", rootOption: "root_dir" },
  notebook: { config: "NotebookApp", rootOption: "notebook_dir" },
} as const;

export interface JupyterAppOptions {
  /** A module of `apps`, or a Python script that launches a ServerApp extension. */
  app: keyof typeof apps | { script: string };
  /** More command-line options, given the temp dir. */
  args?: (base: string) => string[];
  /** Name of the temp dir made for the server (`mkdtemp` prefix). */
  tempPrefix: string;
  /** Path under the server's URL polled (with the token) until it answers 200. */
  readyPath: string;
  readyTimeoutMs: number;
  /** Runs on the temp dir before the server starts; returns environment variables to add. */
  prepare?: (base: string) => NodeJS.ProcessEnv;
}

export interface JupyterApp {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  token: string;
  /** The temp dir holding everything below; removed by `stop`. */
  base: string;
  /** The directory served (its kernels start here). */
  root: string;
  /** The server's JUPYTER_DATA_DIR, where kernelspecs can be added. */
  dataDir: string;
  /** The server's log so far (stdout and stderr, last 20 000 characters). */
  log(): string;
  stop(): Promise<void>;
}

export async function startJupyterApp(options: JupyterAppOptions): Promise<JupyterApp> {
  const { config, rootOption } = typeof options.app === "string" ? apps[options.app] : apps.jupyter_server;
  const launch = typeof options.app === "string" ? ["-m", options.app] : [options.app.script];
  const name = typeof options.app === "string" ? `python3 -m ${options.app}` : `python3 ${options.app.script}`;
  const base = mkdtempSync(join(tmpdir(), options.tempPrefix));
  const [root, dataDir, runtimeDir, configDir] = ["root", "data", "runtime", "config"].map((name) => join(base, name)) as [string, string, string, string];
  for (const dir of [root, dataDir, runtimeDir, configDir]) mkdirSync(dir);
  let extraEnv: NodeJS.ProcessEnv;
  try {
    extraEnv = options.prepare?.(base) ?? {};
  } catch (e) {
    rmSync(base, { recursive: true, force: true });
    throw e;
  }

  const [port] = await freePorts(1);
  const token = randomBytes(16).toString("hex");
  let log = "";
  const server: ChildProcess = spawn(
    DEBIAN_PYTHON,
    [
      ...launch,
      "--allow-root",
      "--no-browser",
      `--${config}.ip=127.0.0.1`,
      `--${config}.port=${port}`,
      `--${config}.port_retries=0`,
      `--${config}.token=${token}`,
      `--${config}.${rootOption}=${root}`,
      ...(options.args?.(base) ?? []),
    ],
    {
      cwd: root,
      env: { ...process.env, JUPYTER_DATA_DIR: dataDir, JUPYTER_RUNTIME_DIR: runtimeDir, JUPYTER_CONFIG_DIR: configDir, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  for (const stream of [server.stdout, server.stderr]) stream?.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
    }
    rmSync(base, { recursive: true, force: true });
  };
  const deadline = Date.now() + options.readyTimeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) break;
    try {
      const response = await fetch(`${url}${options.readyPath}`, { headers: { Authorization: `token ${token}` } });
      if (response.ok) return { url, token, base, root, dataDir, log: () => log, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`${name} did not come up on ${url}:\n${log}`);
}

// Debian's classic Jupyter Notebook (notebook 6.x), started for a test on 127.0.0.1 with a random
// port and token, throwaway Jupyter dirs, and the tsgrad kernelspec installed into a temp prefix on
// JUPYTER_PATH (as `tsgrad install --prefix` leaves it). Stopped by process id.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePorts } from "../../src/notebook/connection-file.js";

export const DEBIAN_PYTHON = "/usr/bin/python3";
export const CHROMIUM = "/usr/bin/chromium";
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

export interface ClassicNotebook {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  token: string;
  /** The directory served (notebooks are copied here). */
  root: string;
  /** The prefix the kernelspec went into (its share/jupyter is JUPYTER_PATH). */
  prefix: string;
  /** The server's log so far (stdout and stderr). */
  log(): string;
  stop(): Promise<void>;
}

/** Registers this checkout's kernel (`node bin/tsgrad.js install --prefix`) and starts the server. */
export async function startClassicNotebook(): Promise<ClassicNotebook> {
  const base = mkdtempSync(join(tmpdir(), "tsgrad-classic-"));
  const [root, prefix, dataDir, runtimeDir, configDir] = ["root", "prefix", "data", "runtime", "config"].map((name) => join(base, name)) as [
    string,
    string,
    string,
    string,
    string,
  ];
  for (const dir of [root, prefix, dataDir, runtimeDir, configDir]) mkdirSync(dir);
  const install = spawnSync(process.execPath, [join(REPO, "bin/tsgrad.js"), "install", "--prefix", prefix], { encoding: "utf8" });
  if (install.status !== 0) throw new Error(`tsgrad install --prefix failed: ${install.stderr}`);

  const [port] = await freePorts(1);
  const token = randomBytes(16).toString("hex");
  let log = "";
  const server: ChildProcess = spawn(
    DEBIAN_PYTHON,
    [
      "-m",
      "notebook",
      "--allow-root",
      "--no-browser",
      "--NotebookApp.ip=127.0.0.1",
      `--NotebookApp.port=${port}`,
      "--NotebookApp.port_retries=0",
      `--NotebookApp.token=${token}`,
      `--NotebookApp.notebook_dir=${root}`,
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        JUPYTER_PATH: join(prefix, "share", "jupyter"),
        JUPYTER_DATA_DIR: dataDir,
        JUPYTER_RUNTIME_DIR: runtimeDir,
        JUPYTER_CONFIG_DIR: configDir,
        // Nothing from the user's own IPython profile.
        IPYTHONDIR: join(base, "ipython"),
      },
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
  const deadline = Date.now() + 40_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) break;
    try {
      const response = await fetch(`${url}api/kernelspecs`, { headers: { Authorization: `token ${token}` } });
      if (response.ok) return { url, token, root, prefix, log: () => log, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`the classic notebook server did not come up on ${url}:\n${log}`);
}

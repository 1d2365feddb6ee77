// Debian's jupyter-server, started by a test on 127.0.0.1 with a random port and token and
// throwaway Jupyter dirs, and stopped by process id.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePorts } from "../../src/notebook/connection-file.js";
import { DEBIAN_PYTHON } from "./jupyter-available.js";

export interface RunningServer {
  url: string;
  token: string;
  /** The server's root directory (its kernels start here). */
  root: string;
  /** The server's JUPYTER_DATA_DIR, where kernelspecs can be added. */
  dataDir: string;
  stop(): Promise<void>;
}

export async function startJupyterServer(): Promise<RunningServer> {
  const base = await mkdtemp(join(tmpdir(), "tsgrad-server-"));
  const [root, dataDir, runtimeDir, configDir] = ["root", "data", "runtime", "config"].map((name) => join(base, name)) as [string, string, string, string];
  await Promise.all([root, dataDir, runtimeDir, configDir].map((dir) => mkdir(dir)));
  const [port] = await freePorts(1);
  const token = randomBytes(16).toString("hex");
  let log = "";
  const server: ChildProcess = spawn(
    DEBIAN_PYTHON,
    [
      "-m",
      "jupyter_server",
      "--allow-root",
      "--no-browser",
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      `--ServerApp.token=${token}`,
      `--ServerApp.root_dir=${root}`,
    ],
    {
      cwd: root,
      env: { ...process.env, JUPYTER_DATA_DIR: dataDir, JUPYTER_RUNTIME_DIR: runtimeDir, JUPYTER_CONFIG_DIR: configDir },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  for (const stream of [server.stdout, server.stderr]) stream?.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
    }
    await rm(base, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) break;
    try {
      const response = await fetch(`${url}api/status`, { headers: { Authorization: `token ${token}` } });
      if (response.ok) return { url, token, root, dataDir, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`jupyter_server did not come up on ${url}:\n${log}`);
}

// Debian's jupyter-server, started by a test on 127.0.0.1 with a random port and token and
// throwaway Jupyter dirs, and stopped by process id.
import { type JupyterApp, startJupyterApp } from "../support/jupyter-app.js";

export type RunningServer = JupyterApp;

export function startJupyterServer(): Promise<RunningServer> {
  return startJupyterApp({ app: "jupyter_server", tempPrefix: "tsgrad-server-", readyPath: "api/status", readyTimeoutMs: 30_000 });
}

// The connection file a launched kernel reads: five random free ports on 127.0.0.1 and an HMAC key.
import { randomBytes, randomUUID } from "node:crypto";
import { writeFileAtomic } from "../kernel/atomic-write.js";
import { createServer } from "node:net";
import { join } from "node:path";
import { type ConnectionInfo, endpoint } from "../kernel/wire.js";

export type { ConnectionInfo };

export type Channel = "shell" | "iopub" | "stdin" | "control" | "hb";

/** Asks the OS for `count` distinct free TCP ports, holding them all open so none repeats. */
export async function freePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolve, reject) => {
            server.once("error", reject);
            server.listen(0, host, () => {
              const address = server.address();
              if (address && typeof address === "object") resolve(address.port);
              else reject(new Error(`no port from listen() on ${host}`));
            });
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** Fresh connection details: random ports and a random 256-bit signing key, like jupyter_client. */
export async function newConnectionInfo(kernelName: string, ip = "127.0.0.1"): Promise<ConnectionInfo> {
  const [shell, iopub, stdin, control, hb] = (await freePorts(5, ip)) as [number, number, number, number, number];
  return {
    transport: "tcp",
    ip,
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
    kernel_name: kernelName,
  };
}

export function channelAddress(info: ConnectionInfo, channel: Channel): string {
  const port = { shell: info.shell_port, iopub: info.iopub_port, stdin: info.stdin_port, control: info.control_port, hb: info.hb_port }[channel];
  return endpoint(info, port);
}

/** Writes `kernel-<uuid>.json` (readable by its owner only) into `dir` and returns its path. */
export async function writeConnectionFile(info: ConnectionInfo, dir: string): Promise<string> {
  const path = join(dir, `kernel-${randomUUID()}.json`);
  writeFileAtomic(path, JSON.stringify(info, null, 1) + "\n", 0o600);
  return path;
}

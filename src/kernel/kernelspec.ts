// Registers the kernel with Jupyter by writing its kernelspec (kernel.json and logos) into a
// kernels directory that `jupyter kernelspec list` searches. No Python needed.
import { mkdirSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "./atomic-write.js";
import os from "node:os";
import path from "node:path";
import { packageRoot } from "./preload.js";

export const kernelName = "tsgrad";

export type InstallTarget = { kind: "user" } | { kind: "sys-prefix" } | { kind: "prefix"; dir: string };

export class InstallError extends Error {
  override name = "InstallError";
}

/** Jupyter's per-user data directory (jupyter_core.paths.jupyter_data_dir). */
export function userDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env["JUPYTER_DATA_DIR"]) return env["JUPYTER_DATA_DIR"];
  const home = os.homedir();
  if (process.platform === "darwin") return path.join(home, "Library", "Jupyter");
  if (process.platform === "win32") return path.join(env["APPDATA"] ?? path.join(home, "AppData", "Roaming"), "jupyter");
  return path.join(env["XDG_DATA_HOME"] || path.join(home, ".local", "share"), "jupyter");
}

/** The directory the kernelspec goes into for a target. */
export function kernelDir(target: InstallTarget, env: NodeJS.ProcessEnv = process.env): string {
  switch (target.kind) {
    case "user":
      return path.join(userDataDir(env), "kernels", kernelName);
    case "sys-prefix": {
      // Python's sys.prefix of the active environment; /usr/local is on every Jupyter's system path.
      const prefix = env["VIRTUAL_ENV"] || env["CONDA_PREFIX"] || (process.platform === "win32" ? undefined : "/usr/local");
      if (!prefix) throw new InstallError("--sys-prefix needs an active virtualenv or conda environment (VIRTUAL_ENV or CONDA_PREFIX)");
      return path.join(prefix, "share", "jupyter", "kernels", kernelName);
    }
    case "prefix":
      return path.join(path.resolve(target.dir), "share", "jupyter", "kernels", kernelName);
  }
}

/** The kernel.json for this installation: node and the package's own launcher, by absolute path. */
export function kernelSpec(): Record<string, unknown> {
  const template = JSON.parse(readFileSync(path.join(packageRoot, "kernel", "kernel.json"), "utf8")) as Record<string, unknown>;
  return {
    ...template,
    argv: [process.execPath, path.join(packageRoot, "bin", "tsgrad.js"), "kernel", "-f", "{connection_file}"],
  };
}

/** Writes kernel.json and the logos; returns the directory written. */
export function installKernelSpec(target: InstallTarget, env: NodeJS.ProcessEnv = process.env): string {
  const dir = kernelDir(target, env);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, "kernel.json"), JSON.stringify(kernelSpec(), null, 2) + "\n");
  for (const logo of ["logo-32x32.png", "logo-64x64.png"]) {
    writeFileAtomic(path.join(dir, logo), readFileSync(path.join(packageRoot, "kernel", logo)));
  }
  return dir;
}

/** Parses `[--user | --sys-prefix | --prefix DIR]`. */
export function parseInstallArgs(args: readonly string[]): InstallTarget {
  const targets: InstallTarget[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--user") targets.push({ kind: "user" });
    else if (arg === "--sys-prefix") targets.push({ kind: "sys-prefix" });
    else if (arg === "--prefix" || arg.startsWith("--prefix=")) {
      const dir = arg === "--prefix" ? args[++i] : arg.slice("--prefix=".length);
      if (!dir) throw new InstallError("--prefix needs a directory");
      targets.push({ kind: "prefix", dir });
    } else throw new InstallError(`unknown option '${arg}' (expected --user, --sys-prefix or --prefix DIR)`);
  }
  if (targets.length > 1) throw new InstallError("give only one of --user, --sys-prefix and --prefix DIR");
  return targets[0] ?? { kind: "user" };
}

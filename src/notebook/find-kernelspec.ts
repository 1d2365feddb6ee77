// Finding kernelspecs: the repo's own tsgrad kernel (no installation needed) and Jupyter's data dirs.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface KernelSpec {
  name: string;
  argv: string[];
  display_name: string;
  language: string;
  /** "signal" sends SIGINT to the kernel's process group; "message" sends interrupt_request on control. */
  interrupt_mode: "signal" | "message";
  env: Record<string, string>;
  resourceDir: string;
}

export class KernelSpecNotFoundError extends Error {
  override name = "KernelSpecNotFoundError";
}

/** The repository root: src/notebook and dist/notebook both sit two levels below it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const TSGRAD_KERNEL_NAME = "tsgrad";

/** Jupyter's data path, in jupyter_core's order: JUPYTER_PATH, user data dir, prefixes. */
export function jupyterDataDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = (env.JUPYTER_PATH ?? "").split(delimiter).filter(Boolean);
  dirs.push(env.JUPYTER_DATA_DIR ?? join(env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "jupyter"));
  dirs.push("/usr/local/share/jupyter", "/usr/share/jupyter");
  return [...new Set(dirs)];
}

function readSpec(name: string, resourceDir: string): KernelSpec {
  const raw = JSON.parse(readFileSync(join(resourceDir, "kernel.json"), "utf8")) as Partial<KernelSpec>;
  if (!Array.isArray(raw.argv) || raw.argv.length === 0) {
    throw new KernelSpecNotFoundError(`kernelspec '${name}' in ${resourceDir} has no argv`);
  }
  return {
    name,
    argv: raw.argv,
    display_name: raw.display_name ?? name,
    language: raw.language ?? "",
    interrupt_mode: raw.interrupt_mode === "message" ? "message" : "signal",
    env: raw.env ?? {},
    resourceDir,
  };
}

/** The repo's own kernel: `node bin/tsgrad.js kernel -f {connection_file}`, its other fields from the shipped kernel/kernel.json. */
export function tsgradKernelSpec(): KernelSpec {
  const resourceDir = join(REPO_ROOT, "kernel");
  const shipped = existsSync(join(resourceDir, "kernel.json")) ? readSpec(TSGRAD_KERNEL_NAME, resourceDir) : undefined;
  return {
    name: TSGRAD_KERNEL_NAME,
    argv: [process.execPath, join(REPO_ROOT, "bin", "tsgrad.js"), "kernel", "-f", "{connection_file}"],
    display_name: shipped?.display_name ?? "TypeScript (tsgrad)",
    language: shipped?.language ?? "typescript",
    interrupt_mode: shipped?.interrupt_mode ?? "message",
    env: shipped?.env ?? {},
    resourceDir,
  };
}

/** Every kernelspec on Jupyter's data path, first occurrence of a name winning, as `jupyter kernelspec list`. */
export function listKernelSpecs(env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of jupyterDataDirs(env)) {
    const kernels = join(dir, "kernels");
    if (!existsSync(kernels)) continue;
    for (const name of readdirSync(kernels)) {
      const resourceDir = join(kernels, name);
      if (!found.has(name.toLowerCase()) && existsSync(join(resourceDir, "kernel.json"))) {
        found.set(name.toLowerCase(), resourceDir);
      }
    }
  }
  return found;
}

/** The kernelspec called `name`; "tsgrad" always means this repository's own kernel. */
export function findKernelSpec(name: string, env: NodeJS.ProcessEnv = process.env): KernelSpec {
  if (name.toLowerCase() === TSGRAD_KERNEL_NAME) return tsgradKernelSpec();
  const specs = listKernelSpecs(env);
  const resourceDir = specs.get(name.toLowerCase());
  if (!resourceDir) {
    const known = [TSGRAD_KERNEL_NAME, ...specs.keys()].join(", ");
    throw new KernelSpecNotFoundError(`no kernelspec named '${name}' (known: ${known}; searched ${jupyterDataDirs(env).join(", ")})`);
  }
  return readSpec(name.toLowerCase(), resourceDir);
}

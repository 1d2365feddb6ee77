// `tsgrad install` and `tsgrad kernel`: the kernel layer's commands (src/cli.ts dispatches here).
import { InstallError, installKernelSpec, parseInstallArgs } from "./kernelspec.js";

/** `tsgrad install [--user | --sys-prefix | --prefix DIR]`: registers the kernelspec with Jupyter. */
export async function install(args: string[]): Promise<number> {
  try {
    const dir = installKernelSpec(parseInstallArgs(args));
    console.log(`Installed the tsgrad kernelspec in ${dir}`);
    return 0;
  } catch (error) {
    if (error instanceof InstallError) {
      console.error(`tsgrad install: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

/** `tsgrad kernel -f CONNECTION_FILE`: what Jupyter runs. */
export async function kernel(args: string[]): Promise<number> {
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-f" || arg === "--connection-file") file = args[++i];
    else if (arg.startsWith("--f=") || arg.startsWith("--connection-file=")) file = arg.slice(arg.indexOf("=") + 1);
  }
  if (!file) {
    console.error("usage: tsgrad kernel -f CONNECTION_FILE");
    return 2;
  }
  const { runKernel } = await import("./kernel.js");
  return runKernel(file);
}

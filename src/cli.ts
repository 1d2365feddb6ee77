// The `tsgrad` command: install, kernel (the kernel layer); run, test (the notebook layer).
type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  install: async () => (await import("./kernel/kernel-commands.js")).install,
  kernel: async () => (await import("./kernel/kernel-commands.js")).kernel,
  run: async () => (await import("./notebook/notebook-commands.js")).run,
  test: async () => (await import("./notebook/notebook-commands.js")).test,
};

const usage = `usage: tsgrad <command> [options]
  install [--user | --sys-prefix | --prefix DIR]   register the kernel with Jupyter
  kernel -f CONNECTION_FILE                        run the kernel (Jupyter starts this)
  run NOTEBOOK... [--inplace | --output DIR]       execute notebooks through the kernel
  test PATH...                                     re-execute notebooks and compare outputs (nbval-style)`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    console.log(usage);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`tsgrad: unknown command '${name}'\n${usage}`);
    return 2;
  }
  const command = await load();
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);

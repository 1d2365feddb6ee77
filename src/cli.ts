// The `tsgrad` command. Subcommands are registered by the kernel and notebook layers.
console.error("tsgrad: no subcommands yet");
process.exitCode = 2;

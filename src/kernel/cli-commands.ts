// Replaced by the kernel layer: `tsgrad install` and `tsgrad kernel`.
export async function install(_args: string[]): Promise<number> {
  console.error("tsgrad install: not implemented yet");
  return 2;
}
export async function kernel(_args: string[]): Promise<number> {
  console.error("tsgrad kernel: not implemented yet");
  return 2;
}

// Replaced by the notebook layer: `tsgrad run` and `tsgrad test`.
export async function run(_args: string[]): Promise<number> {
  console.error("tsgrad run: not implemented yet");
  return 2;
}
export async function test(_args: string[]): Promise<number> {
  console.error("tsgrad test: not implemented yet");
  return 2;
}

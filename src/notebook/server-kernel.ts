// Placeholder until the Jupyter server transport lands.
import type { KernelClient, KernelProvider } from "./kernel-client.js";
export class ServerKernelProvider implements KernelProvider {
  readonly description: string;
  constructor(url: string, _token: string) {
    this.description = url;
  }
  start(_kernelName: string, _cwd: string): Promise<KernelClient> {
    return Promise.reject(new Error("--server is not implemented yet"));
  }
}

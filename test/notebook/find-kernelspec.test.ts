import { readFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newConnectionInfo, writeConnectionFile } from "../../src/notebook/connection-file.js";
import { KernelSpecNotFoundError, REPO_ROOT, findKernelSpec, jupyterDataDirs } from "../../src/notebook/find-kernelspec.js";

describe("kernelspecs", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tsgrad-specs-"));
    for (const [root, display] of [["first", "First"], ["second", "Second"]] as const) {
      await mkdir(join(dir, root, "kernels", "echo"), { recursive: true });
      await writeFile(
        join(dir, root, "kernels", "echo", "kernel.json"),
        JSON.stringify({ argv: ["echo-kernel", "-f", "{connection_file}"], display_name: display, language: "echo", env: { A: "1" } }),
      );
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("searches JUPYTER_PATH first, then the user and system data dirs", () => {
    const env = { JUPYTER_PATH: `${join(dir, "first")}:${join(dir, "second")}`, JUPYTER_DATA_DIR: "/nowhere", HOME: "/nowhere" };
    expect(jupyterDataDirs(env)).toEqual([join(dir, "first"), join(dir, "second"), "/nowhere", "/usr/local/share/jupyter", "/usr/share/jupyter"]);
    const spec = findKernelSpec("Echo", env);
    expect(spec).toMatchObject({ name: "echo", display_name: "First", interrupt_mode: "signal", env: { A: "1" } });
    expect(spec.resourceDir).toBe(join(dir, "first", "kernels", "echo"));
  });

  it("names the kernels it knows when one is missing", () => {
    expect(() => findKernelSpec("nope", { JUPYTER_PATH: join(dir, "first"), JUPYTER_DATA_DIR: "/nowhere" })).toThrow(KernelSpecNotFoundError);
    expect(() => findKernelSpec("nope", { JUPYTER_PATH: join(dir, "first"), JUPYTER_DATA_DIR: "/nowhere" })).toThrow(/known: tsgrad, echo/);
  });

  it("runs tsgrad from this repository without installation", () => {
    const spec = findKernelSpec("tsgrad", { JUPYTER_PATH: join(dir, "first") });
    expect(spec.argv).toEqual([process.execPath, join(REPO_ROOT, "bin", "tsgrad.js"), "kernel", "-f", "{connection_file}"]);
  });
});

describe("connection files", () => {
  it("holds five distinct ports on 127.0.0.1 and a fresh key, readable by its owner only", async () => {
    const a = await newConnectionInfo("python3");
    const b = await newConnectionInfo("python3");
    const ports = [a.shell_port, a.iopub_port, a.stdin_port, a.control_port, a.hb_port];
    expect(new Set(ports).size).toBe(5);
    expect(a.ip).toBe("127.0.0.1");
    expect(a.key).toMatch(/^[0-9a-f]{64}$/);
    expect(a.key).not.toBe(b.key);
    const dir = await mkdtemp(join(tmpdir(), "tsgrad-conn-"));
    try {
      const path = await writeConnectionFile(a, dir);
      expect(JSON.parse(await readFile(path, "utf8"))).toEqual(a);
      const { stat } = await import("node:fs/promises");
      expect((await stat(path)).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// Where `tsgrad install` writes the kernelspec, following jupyter_core's path rules, and what it writes.
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { installKernelSpec, kernelDir, parseInstallArgs, userDataDir } from "../../src/kernel/kernelspec.js";
import { root } from "./jupyter.js";

describe("kernelspec installation", () => {
  it("defaults to the user data dir, honouring JUPYTER_DATA_DIR and XDG_DATA_HOME", () => {
    expect(parseInstallArgs([])).toEqual({ kind: "user" });
    expect(userDataDir({ JUPYTER_DATA_DIR: "/x/jupyter" })).toBe("/x/jupyter");
    if (process.platform === "linux") {
      expect(userDataDir({ XDG_DATA_HOME: "/xdg" })).toBe("/xdg/jupyter");
      expect(userDataDir({})).toBe(path.join(os.homedir(), ".local", "share", "jupyter"));
    }
    expect(kernelDir({ kind: "user" }, { JUPYTER_DATA_DIR: "/d" })).toBe("/d/kernels/tsgrad");
  });

  it("puts --prefix and --sys-prefix specs under share/jupyter/kernels", () => {
    expect(parseInstallArgs(["--prefix", "/opt/env"])).toEqual({ kind: "prefix", dir: "/opt/env" });
    expect(kernelDir({ kind: "prefix", dir: "/opt/env" })).toBe("/opt/env/share/jupyter/kernels/tsgrad");
    expect(kernelDir({ kind: "sys-prefix" }, { VIRTUAL_ENV: "/venv" })).toBe("/venv/share/jupyter/kernels/tsgrad");
    expect(kernelDir({ kind: "sys-prefix" }, { CONDA_PREFIX: "/conda" })).toBe("/conda/share/jupyter/kernels/tsgrad");
  });

  it("rejects unknown and conflicting options", () => {
    expect(() => parseInstallArgs(["--bogus"])).toThrow(/unknown option '--bogus'/);
    expect(() => parseInstallArgs(["--user", "--prefix", "/p"])).toThrow(/only one/);
    expect(() => parseInstallArgs(["--prefix"])).toThrow(/needs a directory/);
  });

  it("writes kernel.json launching this package's CLI with node, and both logos", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tsgrad-spec-"));
    try {
      const written = installKernelSpec({ kind: "prefix", dir });
      const spec = JSON.parse(readFileSync(path.join(written, "kernel.json"), "utf8"));
      expect(spec).toMatchObject({ display_name: "TypeScript (tsgrad)", language: "typescript", interrupt_mode: "message" });
      expect(spec.argv).toEqual([process.execPath, path.join(root, "bin", "tsgrad.js"), "kernel", "-f", "{connection_file}"]);
      for (const [file, size] of [["logo-32x32.png", 32], ["logo-64x64.png", 64]] as const) {
        const png = readFileSync(path.join(written, file));
        expect(png.subarray(1, 4).toString()).toBe("PNG");
        expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
        expect(statSync(path.join(written, file)).size).toBeGreaterThan(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

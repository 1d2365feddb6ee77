// Jupyter's own tools against the installed kernelspec: `jupyter kernelspec list` finds it and
// jupyter_kernel_test's conformance suite passes with every optional test we support.
import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { installIntoTemp, missingPython, python, requireJupyter, root } from "./jupyter.js";

const missing = missingPython(["jupyter_client", "jupyter_kernel_test"]);
if (missing && requireJupyter) throw new Error(`TSGRAD_REQUIRE_JUPYTER=1 but Jupyter is missing: ${missing}`);

describe.skipIf(missing !== "")("the kernel under Jupyter's tools", () => {
  it("is found by `jupyter kernelspec list` after `tsgrad install`", () => {
    const env = installIntoTemp();
    const result = spawnSync(python, ["-m", "jupyter", "kernelspec", "list", "--json"], { env, encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    const specs = JSON.parse(result.stdout) as { kernelspecs: Record<string, { resource_dir: string; spec: Record<string, unknown> }> };
    const tsgrad = specs.kernelspecs["tsgrad"];
    expect(tsgrad?.resource_dir).toBe(path.join(env["JUPYTER_DATA_DIR"]!, "kernels", "tsgrad"));
    expect(tsgrad?.spec["display_name"]).toBe("TypeScript (tsgrad)");
    expect(tsgrad?.spec["language"]).toBe("typescript");
    expect(tsgrad?.spec["argv"]).toEqual([process.execPath, path.join(root, "bin", "tsgrad.js"), "kernel", "-f", "{connection_file}"]);
    rmSync(env["JUPYTER_DATA_DIR"]!, { recursive: true, force: true });
  });

  it("passes jupyter_kernel_test", async () => {
    const env = installIntoTemp();
    const child = spawn(python, ["-m", "unittest", "-v", "jupyter_kernel_test_suite"], {
      cwd: path.join(root, "test", "kernel"),
      env: { ...env, PYDEVD_DISABLE_FILE_VALIDATION: "1" },
    });
    let log = "";
    child.stdout.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr.on("data", (d: Buffer) => (log += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    rmSync(env["JUPYTER_DATA_DIR"]!, { recursive: true, force: true });
    expect(code, log).toBe(0);
    // Every optional test ran: none is skipped.
    expect(log).toMatch(/Ran 15 tests/);
    expect(log).toMatch(/\nOK\n/);
    expect(log).not.toMatch(/skipped/);
  }, 120_000);
});

// A notebook executed by Debian's `jupyter nbconvert --execute` with our kernelspec runs clean.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { installIntoTemp, missingPython, python, requireJupyter, root } from "./jupyter.js";

const missing = missingPython(["nbconvert", "nbclient"]);
if (missing && requireJupyter) throw new Error(`TSGRAD_REQUIRE_JUPYTER=1 but nbconvert is missing: ${missing}`);

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}
const joined = (text: string | string[] | undefined): string => (Array.isArray(text) ? text.join("") : (text ?? ""));

describe.skipIf(missing !== "")("jupyter nbconvert --execute", () => {
  it("runs a notebook clean with the tsgrad kernel", async () => {
    const env = installIntoTemp();
    const out = mkdtempSync(path.join(os.tmpdir(), "tsgrad-nbconvert-"));
    try {
      const args = ["-m", "nbconvert", "--execute", "--to", "notebook", "--output-dir", out, "--ExecutePreprocessor.timeout=60",
        path.join(root, "test", "kernel", "fixtures", "smoke.ipynb")];
      const child = spawn(python, args, { env });
      let log = "";
      child.stderr.on("data", (d: Buffer) => (log += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(code, log).toBe(0);

      const notebook = JSON.parse(readFileSync(path.join(out, "smoke.ipynb"), "utf8")) as {
        cells: { cell_type: string; execution_count?: number; outputs?: Output[] }[];
      };
      const code_cells = notebook.cells.filter((c) => c.cell_type === "code");
      expect(code_cells.map((c) => c.execution_count)).toEqual([1, 2, 3, 4]);
      const outputs = code_cells.map((c) => c.outputs ?? []);
      expect(outputs.flat().filter((o) => o.output_type === "error")).toEqual([]);
      // d(sum(x²))/dx = 2x
      expect(joined(outputs[0]![0]!.data!["text/plain"])).toBe("[ [ 2, 4 ], [ 6, 8 ] ]");
      expect(outputs[1]!.map((o) => o.output_type)).toEqual(["stream", "display_data"]);
      expect(joined(outputs[1]![0]!.text)).toBe("loss 30\n");
      expect(joined(outputs[1]![1]!.data!["text/html"])).toBe("<b>shown</b>");
      expect(joined(outputs[2]![0]!.data!["text/plain"])).toBe("42");
      expect(joined(outputs[3]![0]!.data!["text/plain"])).toBe("[ 2, 3 ]");
    } finally {
      rmSync(out, { recursive: true, force: true });
      rmSync(env["JUPYTER_DATA_DIR"]!, { recursive: true, force: true });
    }
  }, 120_000);
});

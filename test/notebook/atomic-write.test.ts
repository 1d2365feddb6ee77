// Files written for the user replace the old ones all at once: a write that fails (here under a
// file-size limit, EFBIG, as on a full disk) leaves the previous notebook exactly as it was.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/kernel/atomic-write.js";
import { assertBuilt, root } from "../kernel/jupyter.js";

describe("writeFileAtomic", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("creates, then replaces a file, keeping the old file's permissions and leaving no temporary file", () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "tsgrad-atomic-"));
    const target = path.join(dir, "a.json");
    writeFileAtomic(target, "one", 0o600);
    expect(readFileSync(target, "utf8")).toBe("one");
    expect(statSync(target).mode & 0o777).toBe(0o600);
    writeFileAtomic(target, "two");
    expect(readFileSync(target, "utf8")).toBe("two");
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["a.json"]);
  });

  it("leaves the old notebook intact when the new one exceeds the file-size limit (EFBIG)", () => {
    assertBuilt();
    dir = mkdtempSync(path.join(os.tmpdir(), "tsgrad-atomic-"));
    const target = path.join(dir, "lesson.ipynb");
    const old = JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1) + "\n";
    writeFileSync(target, old);
    // The executed notebook: one cell with 300 KB of output, over a 64 KB limit.
    const script = `
      import { writeNotebook, parseNotebook } from ${JSON.stringify(path.join(root, "dist", "notebook", "notebook-file.js"))};
      const nb = parseNotebook(${JSON.stringify(old)}, "lesson.ipynb");
      nb.cells.push({ cell_type: "code", source: "", metadata: {}, execution_count: 1, outputs: [{ output_type: "stream", name: "stdout", text: "x".repeat(300000) }] });
      try { await writeNotebook(process.argv[1], nb); console.log("written"); } catch (e) { console.log(e.message); process.exitCode = 3; }
    `;
    const run = spawnSync("bash", ["-c", 'ulimit -f 64; exec "$0" --input-type=module -e "$1" "$2"', process.execPath, script, target], { encoding: "utf8" });
    expect(run.stdout).toMatch(/could not write .*lesson\.ipynb \(EFBIG: .*\); the previous file, if any, is unchanged/);
    expect(run.status).toBe(3);
    expect(readFileSync(target, "utf8")).toBe(old);
    expect(readdirSync(dir)).toEqual(["lesson.ipynb"]);
  });
});

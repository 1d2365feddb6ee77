// The published package, as a user gets it: scripts/pack-smoke.sh packs this checkout, installs the
// tarball into an empty project, registers the kernel into a temp prefix, runs a lesson notebook
// and type-checks `import { tensor } from "tsgrad"`; this test runs it and checks what it left.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const required = process.env.TSGRAD_REQUIRE_JUPYTER === "1";
const jupyter = "/usr/bin/jupyter";

/** npm's registry answers (dependencies of the tarball come from it); CI requires it. */
function registryReachable(): boolean {
  const ping = spawnSync("npm", ["ping", "--silent"], { stdio: "ignore", timeout: 20_000 });
  if (ping.status !== 0 && required) throw new Error("TSGRAD_REQUIRE_JUPYTER=1 but the npm registry does not answer `npm ping`");
  return ping.status === 0;
}

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  ename?: string;
}
interface Cell {
  cell_type: string;
  outputs?: Output[];
}

const outputsOf = (file: string): Output[] =>
  (JSON.parse(readFileSync(file, "utf8")) as { cells: Cell[] }).cells.flatMap((c) => c.outputs ?? []);
const html = (outputs: Output[]): string => outputs.map((o) => [o.data?.["text/html"] ?? ""].flat().join("")).join("\n");

describe.skipIf(!registryReachable())("npm pack → npm install in an empty folder → npx tsgrad", () => {
  let work: string;
  let log: string;
  let status: number | null;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "tsgrad-pack-test-"));
    const run = spawnSync("bash", [join(root, "scripts/pack-smoke.sh"), "--workdir", work], {
      cwd: root,
      encoding: "utf8",
      timeout: 170_000,
      env: { ...process.env, JUPYTER_PATH: undefined },
    });
    status = run.status;
    log = `${run.stdout}\n${run.stderr}${run.error ? `\n${run.error.message}` : ""}`;
  }, 180_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("the script succeeds", () => {
    expect(status, log).toBe(0);
    expect(log).toMatch(/^pack-smoke: ok$/m);
  });

  it("ships dist/ with its .d.ts files, the WebAssembly kernels and the sources its maps point at, and no tests", () => {
    const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
    expect(tarball, log).toBe(`tsgrad-${JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version}.tgz`);
    const listing = spawnSync("tar", ["-tzf", join(work, tarball!)], { encoding: "utf8" }).stdout.split("\n");
    for (const file of ["dist/index.js", "dist/index.d.ts", "dist/tensor/kernels/simd.wasm", "bin/tsgrad.js", "kernel/kernel.json", "CHANGELOG.md", "README.md"]) {
      expect(listing, file).toContain(`package/${file}`);
    }
    // Every compiled module has its declaration file next to it.
    const js = listing.filter((f) => /^package\/dist\/.*\.js$/.test(f));
    expect(js.length).toBeGreaterThan(20);
    expect(js.filter((f) => !listing.includes(f.replace(/\.js$/, ".d.ts")))).toEqual([]);
    expect(listing.filter((f) => /^package\/(test|bench|node_modules)\//.test(f))).toEqual([]);
    // The source maps in dist/ name ../src/…; those files ship so stack traces and debuggers resolve.
    const maps = listing.filter((f) => /^package\/dist\/.*\.js\.map$/.test(f));
    expect(maps.length).toBeGreaterThan(20);
    expect(listing).toContain("package/src/index.ts");
    expect(listing.filter((f) => /^package\/src\/.*\.test\.ts$/.test(f))).toEqual([]);
  });

  it("registers a kernelspec that launches the installed package, and Jupyter lists it", () => {
    const specDir = join(work, "prefix/share/jupyter/kernels/tsgrad");
    const spec = JSON.parse(readFileSync(join(specDir, "kernel.json"), "utf8")) as { argv: string[]; display_name: string };
    expect(spec.argv.slice(1)).toEqual([join(work, "project/node_modules/tsgrad/bin/tsgrad.js"), "kernel", "-f", "{connection_file}"]);
    expect(spec.display_name).toBe("TypeScript (tsgrad)");
    if (!existsSync(jupyter)) {
      expect(required, `TSGRAD_REQUIRE_JUPYTER=1 but ${jupyter} is missing`).toBe(false);
      return;
    }
    const list = spawnSync(jupyter, ["kernelspec", "list", "--json"], {
      encoding: "utf8",
      env: { ...process.env, JUPYTER_PATH: join(work, "prefix/share/jupyter") },
    });
    const specs = (JSON.parse(list.stdout) as { kernelspecs: Record<string, { resource_dir: string }> }).kernelspecs;
    expect(specs["tsgrad"]?.resource_dir).toBe(specDir);
  });

  it("runs a lesson notebook from the installed package without errors, with its displays", () => {
    const outputs = outputsOf(join(work, "project/lesson.ipynb"));
    expect(outputs.filter((o) => o.output_type === "error").map((o) => o.ename)).toEqual([]);
    expect(outputs.length).toBeGreaterThan(0);
    expect(html(outputs)).toMatch(/class="tsgrad-/);
    // The same notebook through Jupyter's own nbclient and the kernelspec registered above.
    const viaNbclient = join(work, "project/lesson-nbclient.ipynb");
    if (existsSync(viaNbclient) || required) {
      const nbclientOutputs = outputsOf(viaNbclient);
      expect(nbclientOutputs.filter((o) => o.output_type === "error")).toEqual([]);
      expect(nbclientOutputs.map((o) => o.output_type)).toEqual(outputs.map((o) => o.output_type));
    }
  });

  it("type-checks and runs `import { tensor } from \"tsgrad\"` in the new project", () => {
    const printed = JSON.parse(readFileSync(join(work, "check-output.json"), "utf8")) as { grad: number[]; backend: string };
    // d(sum(w²))/dw = 2w, computed by the installed package with its shipped WebAssembly kernels.
    expect(printed.grad).toEqual([2, 4, 6, 8]);
    expect(printed.backend).toBe("wasm");
    expect(existsSync(join(work, "project/out/check.js"))).toBe(true);
  });
});

// Binder: runs binder/postBuild as repo2docker would (from a copy of the checkout, as the notebook
// user, NB_PYTHON_PREFIX naming the environment and no conda activated) into a temporary prefix,
// and checks Jupyter lists the tsgrad kernel there and can run a notebook with it. `npm ci` is
// replaced by a recording shim (the copy links this checkout's node_modules); `npm run build` is real.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const required = process.env.TSGRAD_REQUIRE_JUPYTER === "1";
const jupyter = "/usr/bin/jupyter";
const haveJupyter = existsSync(jupyter) && existsSync("/usr/bin/jupyter-nbconvert");
if (!haveJupyter && required) throw new Error(`TSGRAD_REQUIRE_JUPYTER=1 but ${jupyter} or jupyter-nbconvert is missing`);

/** The checkout's files as git sees them (tracked and untracked, not ignored), copied to `dest`. */
function copyCheckout(dest: string): void {
  const files = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" })
    .stdout.split("\0")
    .filter((f) => f && existsSync(join(root, f)));
  const copy = spawnSync("xargs", ["-0", "cp", "--parents", "-t", dest], { cwd: root, input: files.join("\0"), encoding: "utf8" });
  if (copy.status !== 0) throw new Error(`copying the checkout failed: ${copy.stderr}`);
  symlinkSync(join(root, "node_modules"), join(dest, "node_modules"));
}

describe("binder/", () => {
  it("environment.yml gives repo2docker Python, JupyterLab and a Node.js the package accepts", () => {
    const yml = readFileSync(join(root, "binder/environment.yml"), "utf8");
    const deps = [...yml.matchAll(/^\s*-\s*(\S+?)\s*$/gm)].map((m) => m[1]!);
    expect(deps.some((d) => /^python([=<>]|$)/.test(d))).toBe(true);
    expect(deps.some((d) => /^jupyterlab([=<>]|$)/.test(d))).toBe(true);
    const node = deps.find((d) => d.startsWith("nodejs"));
    const engines = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
    expect(node, "nodejs in environment.yml").toBe(`nodejs${engines}`);
  });

  it("postBuild stops on the first failure and is executable in git", () => {
    const script = readFileSync(join(root, "binder/postBuild"), "utf8");
    expect(script.startsWith("#!/usr/bin/env bash\n")).toBe(true);
    expect(script).toMatch(/^set -e/m);
    expect(spawnSync("git", ["ls-files", "-s", "binder/postBuild"], { cwd: root, encoding: "utf8" }).stdout).toMatch(/^100755 /);
  });
});

describe.skipIf(!haveJupyter)("binder/postBuild into a temporary prefix", () => {
  let base: string;
  let repo: string;
  let prefix: string;
  let run: ReturnType<typeof spawnSync>;
  let npmCalls: string[];

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), "tsgrad-binder-"));
    repo = join(base, "repo");
    prefix = join(base, "srv/conda/envs/notebook");
    const shims = join(base, "shims");
    for (const dir of [repo, prefix, shims]) mkdirSync(dir, { recursive: true });
    copyCheckout(repo);
    const realNpm = spawnSync("bash", ["-c", "command -v npm"], { encoding: "utf8" }).stdout.trim();
    const log = join(base, "npm-calls.log");
    writeFileSync(
      join(shims, "npm"),
      `#!/usr/bin/env bash\necho "$*" >> ${JSON.stringify(log)}\n` +
        `if [ "$1" = ci ]; then [ -f package-lock.json ] || { echo "npm ci: no package-lock.json" >&2; exit 1; }; exit 0; fi\n` +
        `exec ${JSON.stringify(realNpm)} "$@"\n`,
    );
    chmodSync(join(shims, "npm"), 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${shims}:${dirname(process.execPath)}:${process.env.PATH}`, NB_PYTHON_PREFIX: prefix };
    for (const name of ["CONDA_PREFIX", "VIRTUAL_ENV", "JUPYTER_PATH", "JUPYTER_DATA_DIR"]) delete env[name];
    // Started from elsewhere: postBuild finds the repository itself, as repo2docker's ./binder/postBuild does.
    run = spawnSync(join(repo, "binder/postBuild"), [], { cwd: base, env, encoding: "utf8", timeout: 150_000 });
    npmCalls = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
  }, 160_000);

  afterAll(() => {
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it("runs npm ci, builds the library and the WebAssembly kernels, and installs into NB_PYTHON_PREFIX", () => {
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(npmCalls).toEqual(["ci", "run build"]);
    expect(existsSync(join(repo, "dist/cli.js"))).toBe(true);
    expect(existsSync(join(repo, "dist/tensor/kernels/simd.wasm"))).toBe(true);
    expect(run.stdout).toContain(`Installed the tsgrad kernelspec in ${join(prefix, "share/jupyter/kernels/tsgrad")}`);
  });

  it("jupyter kernelspec list sees the kernel in the environment's prefix, launching the built repository", () => {
    const list = spawnSync(jupyter, ["kernelspec", "list", "--json"], {
      encoding: "utf8",
      env: { ...process.env, JUPYTER_PATH: join(prefix, "share/jupyter") },
    });
    const specs = (JSON.parse(list.stdout) as { kernelspecs: Record<string, { resource_dir: string; spec: { argv: string[]; display_name: string } }> }).kernelspecs;
    expect(specs["tsgrad"]?.resource_dir).toBe(join(prefix, "share/jupyter/kernels/tsgrad"));
    expect(specs["tsgrad"]!.spec.argv.slice(1)).toEqual([join(repo, "bin/tsgrad.js"), "kernel", "-f", "{connection_file}"]);
    expect(specs["tsgrad"]!.spec.display_name).toBe("TypeScript (tsgrad)");
  });

  it("Jupyter runs a notebook on the registered kernel", () => {
    const notebook = join(base, "accumulation.ipynb");
    writeFileSync(notebook, readFileSync(join(root, "test/browser/fixtures/accumulation.ipynb")));
    const convert = spawnSync(
      jupyter,
      ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=tsgrad", "--ExecutePreprocessor.timeout=120", "--output", "executed.ipynb", notebook],
      { cwd: base, encoding: "utf8", timeout: 150_000, env: { ...process.env, JUPYTER_PATH: join(prefix, "share/jupyter") } },
    );
    expect(convert.status, convert.stderr).toBe(0);
    const cells = (JSON.parse(readFileSync(join(base, "executed.ipynb"), "utf8")) as { cells: { outputs?: { data?: Record<string, string[]> }[] }[] }).cells;
    const htmlOut = cells.flatMap((c) => c.outputs ?? []).map((o) => (o.data?.["text/html"] ?? []).join("")).join("\n");
    expect(htmlOut).toContain('class="tsgrad-accumulation"');
    expect(htmlOut).toContain('class="tsgrad-histogram"');
  });
});

// Every code example in the README runs: TypeScript blocks are executed and their `// value`
// comments on console.log lines are compared with what they print; shell lines that call
// `tsgrad` use only commands and options the CLI documents.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { typeErrors } from "./support/type-errors.js";

const root = join(import.meta.dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const blocks = (lang: string): string[] =>
  [...readme.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]!);

/** The comment after `console.log(...)` on each line: what the README says that line prints. */
function expectedOutputs(source: string): string[] {
  return source
    .split("\n")
    .filter((line) => line.includes("console.log("))
    .map((line) => {
      const comment = /\/\/ (.*)$/.exec(line);
      if (!comment) throw new Error(`README example line has no '// output' comment: ${line}`);
      return comment[1]!.trim();
    });
}

const cli = (args: string[]): string => {
  try {
    return execFileSync("node", [join(root, "bin/tsgrad.js"), ...args], { encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ""}${e.stderr ?? ""}`;
  }
};

describe("README", () => {
  const examples = blocks("ts");

  it("has TypeScript examples", () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  examples.forEach((source, n) => {
    it(`TypeScript example ${n + 1} runs and prints what the README says`, () => {
      // Inside the package, so `from "tsgrad"` resolves to this package through its own "exports".
      const dir = join(root, "test-artifacts", "readme");
      mkdirSync(dir, { recursive: true });
      const js = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      const file = join(dir, `example-${n + 1}.mjs`);
      writeFileSync(file, js);
      const stdout = execFileSync("node", [file], { encoding: "utf8", cwd: root });
      expect(stdout.trimEnd().split("\n")).toEqual(expectedOutputs(source));
    });
  });

  it("type-checks its TypeScript examples against the shipped declarations", () => {
    const dir = join(root, "test-artifacts", "readme");
    mkdirSync(dir, { recursive: true });
    const files = examples.map((source, n) => {
      const file = join(dir, `typed-${n + 1}.ts`);
      writeFileSync(file, `export {};\n${source}`);
      return file;
    });
    const messages = typeErrors(files);
    expect(messages).toEqual([]);
  });

  it("calls tsgrad only with commands and options the CLI documents", () => {
    const lines = blocks("sh")
      .flatMap((block) => block.split("\n"))
      .map((line) => line.replace(/#.*$/, "").trim())
      .filter((line) => /^npx tsgrad /.test(line));
    expect(lines.length).toBeGreaterThan(3);
    const usage = cli(["--help"]);
    for (const line of lines) {
      const [command, ...rest] = line.replace(/^npx tsgrad /, "").split(/\s+/);
      expect(usage, line).toContain(`  ${command} `);
      const help = command === "install" ? usage : cli([command!, "--help"]);
      for (const option of rest.filter((word) => word.startsWith("--"))) expect(help, line).toContain(option);
    }
  });
});

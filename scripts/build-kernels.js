#!/usr/bin/env node
// Compiles the WebAssembly SIMD kernels from their AssemblyScript source (src/tensor/kernels/*.as)
// into dist/tensor/kernels/*.wasm with the npm-installed `asc`. Run by `npm run build`.
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const srcDir = join(root, "src/tensor/kernels");
const outDir = join(root, "dist/tensor/kernels");
const kernels = ["simd"];

await mkdir(outDir, { recursive: true });
for (const name of kernels) {
  const source = await readFile(join(srcDir, `${name}.as`), "utf8");
  // asc only reads `.ts` entry files; the source keeps `.as` so that tsc leaves it alone.
  const { error, stderr } = await asc.main(
    [`${name}.ts`, "--outFile", join(outDir, `${name}.wasm`), "-O3", "--runtime", "stub", "--enable", "simd", "--noAssert"],
    {
      readFile: (file, baseDir) =>
        file === `${name}.ts` ? source : readFile(join(baseDir, file), "utf8").catch(() => null),
    },
  );
  if (error) {
    process.stderr.write(stderr.toString());
    console.error(`build-kernels: compiling ${name}.as failed: ${error.message}`);
    process.exit(1);
  }
  console.log(`build-kernels: dist/tensor/kernels/${name}.wasm`);
}

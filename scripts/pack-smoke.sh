#!/usr/bin/env bash
# What a user of the published package does, in a throwaway directory: `npm pack` this checkout,
# `npm install` the tarball into an empty project, register the kernel with `npx tsgrad install
# --prefix`, check `jupyter kernelspec list` sees it, run a lesson notebook with `npx tsgrad run`
# (and through Jupyter's own nbclient when it is installed), and type-check and run
# `import { tensor } from "tsgrad"` against the shipped .d.ts files.
#
#   scripts/pack-smoke.sh [--workdir DIR]    (default: a new temp dir, removed on success)
#
# The checkout is packed from a copy (its files as git sees them, node_modules linked), so the
# `prepare` build that `npm pack` runs never rewrites this checkout's dist/.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --workdir) work="$2"; shift 2 ;;
    --workdir=*) work="${1#--workdir=}"; shift ;;
    *) echo "usage: scripts/pack-smoke.sh [--workdir DIR]" >&2; exit 2 ;;
  esac
done
keep=1
if [ -z "$work" ]; then work="$(mktemp -d "${TMPDIR:-/tmp}/tsgrad-pack-smoke.XXXXXX")"; keep=0; fi
mkdir -p "$work"
work="$(cd "$work" && pwd)"
step() { echo "pack-smoke: $*"; }
fail() { echo "pack-smoke: FAILED: $*" >&2; exit 1; }

# 1. npm pack, from a copy of the checkout.
src="$work/src"
rm -rf "$src" && mkdir -p "$src"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$root" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
    [ -e "$f" ] && printf '%s\0' "$f"
  done | xargs -0 cp --parents -t "$src")
else
  (cd "$root" && tar --exclude=./node_modules --exclude=./dist --exclude=./.git -cf - .) | tar -xf - -C "$src"
fi
ln -s "$root/node_modules" "$src/node_modules"
step "npm pack (runs the prepare build in $src)"
tarball="$(cd "$src" && npm pack --silent --pack-destination "$work" | tail -n 1)"
tarball="$work/$tarball"
[ -f "$tarball" ] || fail "npm pack produced no tarball"
listing="$(tar -tzf "$tarball")"
for f in package/bin/tsgrad.js package/dist/index.js package/dist/index.d.ts package/dist/cli.js \
  package/dist/tensor/kernels/simd.wasm package/kernel/kernel.json package/kernel/logo-64x64.png package/CHANGELOG.md; do
  grep -qx "$f" <<<"$listing" || fail "$(basename "$tarball") lacks ${f#package/}"
done
step "$(basename "$tarball"): $(wc -l <<<"$listing") files, $(du -k "$tarball" | cut -f1) kB"

# 2. npm install into an empty project (dependencies come from the registry).
project="$work/project"
rm -rf "$project" && mkdir -p "$project"
cat >"$project/package.json" <<'EOF'
{ "name": "tsgrad-smoke", "version": "0.0.0", "private": true, "type": "module" }
EOF
step "npm install $(basename "$tarball") into $project"
(cd "$project" && npm install --no-audit --no-fund --prefer-offline --loglevel=error "$tarball" >/dev/null)
[ -f "$project/node_modules/tsgrad/dist/tensor/kernels/simd.wasm" ] || fail "the installed package has no simd.wasm"
[ -x "$project/node_modules/.bin/tsgrad" ] || fail "npm linked no tsgrad bin"

# 3. npx tsgrad install --prefix, seen by Jupyter.
prefix="$work/prefix"
(cd "$project" && npx --no-install tsgrad install --prefix "$prefix")
spec="$prefix/share/jupyter/kernels/tsgrad/kernel.json"
[ -f "$spec" ] || fail "no kernelspec at $spec"
grep -q "$project/node_modules/tsgrad/bin/tsgrad.js" "$spec" || fail "$spec does not launch the installed package"
export JUPYTER_PATH="$prefix/share/jupyter"
jupyter_bin="${TSGRAD_JUPYTER:-/usr/bin/jupyter}"
if [ -x "$jupyter_bin" ]; then
  "$jupyter_bin" kernelspec list | tee "$work/kernelspec-list.txt" | grep -E "^\s*tsgrad\s+$prefix/share/jupyter/kernels/tsgrad\s*$" >/dev/null \
    || fail "jupyter kernelspec list does not show tsgrad in $prefix: $(cat "$work/kernelspec-list.txt")"
  step "jupyter kernelspec list: tsgrad in $prefix/share/jupyter/kernels/tsgrad"
else
  step "no $jupyter_bin: kernelspec list not checked"
fi

# 4. npx tsgrad run on a lesson notebook, copied out of the package.
notebook="$project/node_modules/tsgrad/notebooks/02-gradient-accumulation.ipynb"
[ -f "$notebook" ] || fail "the package has no notebooks/02-gradient-accumulation.ipynb"
cp "$notebook" "$project/lesson.ipynb"
step "npx tsgrad run lesson.ipynb (from $(basename "$notebook"))"
(cd "$project" && npx --no-install tsgrad run lesson.ipynb --inplace)
if [ -x /usr/bin/jupyter-nbconvert ] || [ -x "$(dirname "$jupyter_bin")/jupyter-nbconvert" ]; then
  step "jupyter nbconvert --execute through the installed kernelspec"
  (cd "$project" && "$jupyter_bin" nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=tsgrad \
    --ExecutePreprocessor.timeout=300 --output lesson-nbclient.ipynb lesson.ipynb)
fi

# 5. The shipped types: `import { tensor } from "tsgrad"` type-checks (strict, no skipLibCheck) and runs.
cat >"$project/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext",
    "strict": true, "skipLibCheck": false, "outDir": "out"
  },
  "files": ["check.ts"]
}
EOF
cat >"$project/check.ts" <<'EOF'
import { tensor, nn, optim, GradientAccumulator, getBackend, type Tensor } from "tsgrad";

const w: Tensor = tensor([[1, 2], [3, 4]], { requiresGrad: true });
const loss: Tensor = w.mul(w).sum();
loss.backward();
const model = new nn.Linear(2, 1);
const accumulator = new GradientAccumulator({ optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), steps: 2 });
const grad: number[] = Array.from(w.grad!.data);
console.log(JSON.stringify({ grad, backend: getBackend(), steps: accumulator.steps }));
// The types are real, not `any`: a string is not tensor data.
// @ts-expect-error
export const wrong = () => tensor("not a tensor");
EOF
step "tsc (strict) on check.ts importing tsgrad"
(cd "$project" && "$root/node_modules/.bin/tsc" -p tsconfig.json)
result="$(cd "$project" && node out/check.js)"
echo "$result" >"$work/check-output.json"
step "check.js printed $result"
[ "$result" = '{"grad":[2,4,6,8],"backend":"wasm","steps":2}' ] || fail "unexpected output from check.js: $result"

step "ok"
if [ "$keep" = 0 ]; then rm -rf "$work"; fi

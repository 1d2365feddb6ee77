// Fixes to tslab's converter (tslab/dist/converter.js, tslab 1.0.22), applied to its source as it is
// loaded, so they hold whatever `npm ci` installs. Each names the text it replaces: if tslab
// changes, loading fails with the patch's name instead of silently running unpatched code.

interface Patch {
  why: string;
  from: string;
  to: string;
}

const patches: Patch[] = [
  {
    // TypeScript's symbol tables escape a leading "__" to "___"; the converter wrote those escaped
    // keys into source, so `const __x = 1` failed with "Cannot find name '___x'".
    why: "export the cell's locals by their names, not TypeScript's escaped keys",
    from: 'const suffix = "\\nexport {" + Array.from(keys).join(", ") + "}";',
    to: 'const suffix = "\\nexport {" + Array.from(keys, (key) => ts.unescapeLeadingUnderscores(key)).join(", ") + "}";',
  },
  {
    why: "declare carried-over `any` variables by their names, not TypeScript's escaped keys",
    from: "anyVarsDecls.push(`let ${name}: any;\\n`);",
    to: "anyVarsDecls.push(`let ${ts.unescapeLeadingUnderscores(name)}: any;\\n`);",
  },
  {
    // An identifier whose symbol was declared in an earlier cell became `exports.name`, even when it
    // was a property: `const { steps: n } = opts` (after a cell declaring `opts = { steps }`) compiled
    // to `const { exports, steps: n } = exports.opts`, "Cannot access 'exports' before initialization".
    why: "rewrite references to an earlier cell's variables, not property names that match its properties",
    from: "if (decl.getSourceFile() === declsFile) {",
    to: "if (decl.getSourceFile() === declsFile && !isMemberDeclaration(decl)) {",
  },
  {
    // `{ steps }` naming an earlier cell's variable stayed `{ steps }`: "steps is not defined".
    why: "expand a shorthand property that names an earlier cell's variable to `name: exports.name`",
    from: "function wrapPrevIdentifier(node) {",
    to: [
      "function isMemberDeclaration(decl) {",
      "            return ts.isPropertySignature(decl) || ts.isPropertyDeclaration(decl) || ts.isMethodSignature(decl) ||",
      "                ts.isMethodDeclaration(decl) || ts.isPropertyAssignment(decl) || ts.isShorthandPropertyAssignment(decl) ||",
      "                ts.isGetAccessorDeclaration(decl) || ts.isSetAccessorDeclaration(decl) || ts.isEnumMember(decl) || ts.isParameter(decl);",
      "        }",
      "        function wrapPrevIdentifier(node) {",
      "            if (ts.isShorthandPropertyAssignment(node) && node.objectAssignmentInitializer === undefined) {",
      "                const value = checker.getShorthandAssignmentValueSymbol(node);",
      "                if (value !== undefined && (value.declarations ?? []).some((d) => d.getSourceFile() === declsFile && !isMemberDeclaration(d))) {",
      "                    const name = ts.idText(node.name);",
      "                    return ts.factory.createPropertyAssignment(ts.factory.createIdentifier(name), ts.factory.createPropertyAccessExpression(ts.factory.createIdentifier(\"exports\"), ts.factory.createIdentifier(name)));",
      "                }",
      "            }",
    ].join("\n"),
  },
];

/** The converter's source with every patch applied; throws naming a patch whose text is missing. */
export function patchConverter(source: string): string {
  let patched = source;
  for (const patch of patches) {
    if (!patched.includes(patch.from)) {
      throw new Error(`tslab's converter changed: cannot apply the patch to ${patch.why} (looked for: ${patch.from})`);
    }
    patched = patched.replace(patch.from, patch.to);
  }
  return patched;
}

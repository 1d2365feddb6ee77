// A module-resolution hook for loading TensorFlow.js's ESM files (dist/register_all_gradients.js),
// whose relative imports leave out the ".js" that Node's ESM loader requires. Registered by lib.js.
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (!specifier.startsWith(".") || !context.parentURL?.includes("/@tensorflow/")) throw e;
    for (const suffix of [".js", "/index.js"]) {
      try {
        return await next(specifier + suffix, context);
      } catch {
        // try the next form
      }
    }
    throw e;
  }
}

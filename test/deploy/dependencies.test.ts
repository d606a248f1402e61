// The server's own imports are runtime dependencies: the Dockerfile prunes dev dependencies
// (`npm prune --omit=dev`), so a package the server imports that is only a dev dependency
// installs in development and breaks in production (as `ws` did for the idle probes).
// Browser code (src/client) is bundled at build time and may use dev dependencies.
import assert from "node:assert/strict";
import { builtinModules } from "node:module";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === "client" || name === "generated" ? [] : sources(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or null for a relative or builtin one. */
function packageOf(spec: string): string | null {
  if (spec.startsWith(".") || spec.startsWith("node:") || builtinModules.includes(spec.split("/")[0])) return null;
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

describe("runtime dependencies", () => {
  it("every package the server imports (not type-only) is in dependencies", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const missing = new Set<string>();
    for (const file of sources(path.join(root, "src"))) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+"([^"]+)"/gms)) {
        const name = packageOf(m[1]);
        if (name && !pkg.dependencies[name]) missing.add(`${name} (${path.relative(root, file)})`);
      }
    }
    assert.deepEqual([...missing], [], "imported by the server but not a runtime dependency");
  });
});

// Builds the agent console's and the admin pages' browser bundles:
//   src/client/console/main.ts  -> public/build/console.js
//   src/client/console/admin.ts -> public/build/admin.js
// (The same two entries can instead be added to build-client.mjs's `entries`, which
// also type-checks src/client.) Flag: --quiet.
import { build } from "esbuild";
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entries = [
  { in: "src/client/console/main.ts", out: "public/build/console.js" },
  { in: "src/client/console/admin.ts", out: "public/build/admin.js" },
];

await Promise.all(
  entries.map((e) =>
    build({
      absWorkingDir: root,
      entryPoints: [e.in],
      outfile: e.out,
      bundle: true,
      minify: true,
      sourcemap: true,
      format: "iife",
      target: "es2019",
      platform: "browser",
      legalComments: "none",
      logLevel: "warning",
    }),
  ),
);
if (!process.argv.includes("--quiet")) {
  for (const e of entries) console.log(`${e.out.padEnd(24)} ${String(statSync(join(root, e.out)).size).padStart(7)} B`);
}

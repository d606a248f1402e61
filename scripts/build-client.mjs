// Builds the browser bundles (npm run build runs this after the server's tsc):
//   src/client/visitor/app.ts   -> public/build/visitor.js (the chat page, with socket.io-client)
//   src/client/widget/main.ts   -> public/build/widget.js  (the one-tag loader, kept tiny)
//   src/client/console/main.ts  -> public/build/console.js (the agent console)
//   src/client/console/admin.ts -> public/build/admin.js   (the admin pages' small scripts)
//   src/client/diagnostics/main.ts -> public/build/diagnostics.js (the connection test page)
// Type-checks src/client first (the server's tsconfig excludes it: DOM lib, no emit),
// so a type error fails the build instead of shipping.
// Then the long-cached copies (scripts/assets.mjs): each bundle and stylesheet the pages
// load also as `<name>.<content hash>.<ext>`, precompressed (.br, .gz), listed in
// public/build/manifest.json, which the views read (src/lib/assets.ts). widget.js keeps
// its stable URL: customers embed it.
// Flags: --no-check skips the type-check (the watch loop of a developer), --quiet.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { writeHashedAssets } from "./assets.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = new Set(process.argv.slice(2));
const log = args.has("--quiet") ? () => {} : (s) => console.log(s);

if (!args.has("--no-check")) {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", join(root, "src/client/tsconfig.json")], { stdio: "inherit" });
  } catch {
    console.error("build-client: type errors in src/client");
    process.exit(1);
  }
}

const entries = [
  { in: "src/client/visitor/app.ts", out: "public/build/visitor.js" },
  { in: "src/client/widget/main.ts", out: "public/build/widget.js" },
  { in: "src/client/console/main.ts", out: "public/build/console.js" },
  { in: "src/client/console/admin.ts", out: "public/build/admin.js" },
  { in: "src/client/diagnostics/main.ts", out: "public/build/diagnostics.js" },
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

for (const e of entries) {
  const file = join(root, e.out);
  const bytes = statSync(file).size;
  const gz = gzipSync(readFileSync(file), { level: 9 }).length;
  log(`${relative(root, file).padEnd(24)} ${String(bytes).padStart(7)} B  (${gz} B gzipped)`);
}

// What the pages reference by manifest (widget.js is not among them: its URL is public).
const manifest = writeHashedAssets(join(root, "public"), [
  "build/visitor.js", "build/console.js", "build/admin.js", "build/diagnostics.js",
  "css/visitor.css", "css/console.css", "css/app.css",
]);
log(`public/build/manifest.json: ${Object.values(manifest).join(", ")}`);

// The long-cached copies of the page assets, for build-client.mjs (and its unit test):
// `build/visitor.js` -> `build/visitor.<hash>.js` + `.br` + `.gz`, and the manifest
// public/build/manifest.json mapping each logical name to its hashed one. The hash is
// of the content, so a changed file gets a new URL and an unchanged one keeps its URL
// (and the browser's cached copy) across deploys. Compressed once here, at the highest
// levels, instead of per request.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

export const MANIFEST = "build/manifest.json";
/** `visitor.0123456789ab.js` (+ `.br`/`.gz`): what the server may cache for a year. */
export const HASHED_RE = /^[\w-]+\.[0-9a-f]{12}\.(js|css)(\.br|\.gz)?$/;

export const hashOf = (content) => createHash("sha256").update(content).digest("hex").slice(0, 12);

/** Writes the hashed, precompressed copies under `<publicDir>/build/hashed` and the
 * manifest; removes hashed copies the manifest no longer names. Returns the manifest. */
export function writeHashedAssets(publicDir, names) {
  const outDir = join(publicDir, "build", "hashed");
  mkdirSync(outDir, { recursive: true });
  const manifest = {};
  for (const name of names) {
    const ext = extname(name);
    // The bundle's map stays at the stable name, next to the stable bundle.
    const content = Buffer.from(readFileSync(join(publicDir, name), "utf8")
      .replace(/(\/[/*]# sourceMappingURL=)([\w.-]+\.map)/, (_m, tag, map) => `${tag}/${dirname(name)}/${map}`));
    const file = `${basename(name, ext)}.${hashOf(content)}${ext}`;
    writeFileSync(join(outDir, file), content);
    writeFileSync(join(outDir, `${file}.gz`), gzipSync(content, { level: 9 }));
    writeFileSync(join(outDir, `${file}.br`), brotliCompressSync(content, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length },
    }));
    manifest[name] = `build/hashed/${file}`;
  }
  const keep = new Set(Object.values(manifest).flatMap((f) => [basename(f), `${basename(f)}.gz`, `${basename(f)}.br`]));
  for (const f of readdirSync(outDir)) if (!keep.has(f)) rmSync(join(outDir, f));
  mkdirSync(dirname(join(publicDir, MANIFEST)), { recursive: true });
  writeFileSync(join(publicDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

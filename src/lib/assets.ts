// The pages' long-cached assets: `asset("build/visitor.js")` in a view gives the hashed
// URL the build wrote to public/build/manifest.json (scripts/assets.mjs), and
// `hashedAssets()` serves those URLs, precompressed (brotli or gzip, by Accept-Encoding)
// and cacheable for a year: the name changes whenever the content does. `content()`
// gives the text itself, for the embed page, which inlines its bundle (embed-page.ts).
// Without a build's manifest (a fresh checkout) the stable names are used as they are.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Request, RequestHandler, Response } from "express";
import { sendEncoded } from "./encoded.js";

const HASHED_RE = /^[\w-]+\.[0-9a-f]{12}\.(js|css)$/;
const TYPES: Record<string, string> = { js: "application/javascript; charset=utf-8", css: "text/css; charset=utf-8" };
export const IMMUTABLE = "public, max-age=31536000, immutable";

export function createAssets(publicDir: string) {
  const manifestFile = path.join(publicDir, "build", "manifest.json");
  let manifest: { mtimeMs: number; map: Record<string, string> } | null = null;
  // Re-read when the build rewrote it (a developer's rebuild, the test suites' builds).
  const current = (): Record<string, string> => {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(manifestFile).mtimeMs;
    } catch {
      return {};
    }
    if (manifest?.mtimeMs !== mtimeMs) manifest = { mtimeMs, map: JSON.parse(readFileSync(manifestFile, "utf8")) as Record<string, string> };
    return manifest.map;
  };
  // Hashed files never change, so each variant is read once and kept (a few hundred KB).
  const files = new Map<string, Buffer | null>();
  const read = (file: string): Buffer | null => {
    if (!files.has(file)) {
      try {
        files.set(file, readFileSync(file));
      } catch {
        files.set(file, null);
      }
    }
    return files.get(file)!;
  };

  return {
    /** `/build/hashed/visitor.<hash>.js` for `build/visitor.js`; `/build/visitor.js` without a manifest. */
    url: (name: string): string => `/${current()[name] ?? name}`,

    /** The text of a page asset as built (the hashed copy), for pages that inline it;
     *  null without a build. */
    content(name: string): string | null {
      const hashed = current()[name];
      return hashed ? (read(path.join(publicDir, hashed))?.toString("utf8") ?? null) : null;
    },

    /** GET /build/hashed/<name>.<hash>.<ext>: the precompressed copy the client accepts. */
    middleware: ((req: Request, res: Response, next) => {
      const name = req.path.slice(1);
      if ((req.method !== "GET" && req.method !== "HEAD") || !HASHED_RE.test(name)) return next();
      const file = path.join(publicDir, "build", "hashed", name);
      const plain = read(file);
      if (!plain) return next();
      res.setHeader("Cache-Control", IMMUTABLE);
      res.setHeader("Content-Type", TYPES[path.extname(name).slice(1)]!);
      // The name is the version: an ETag would only add revalidations nobody needs.
      sendEncoded(req, res, { plain, br: read(`${file}.br`), gz: read(`${file}.gz`) });
    }) as RequestHandler,
  };
}
export type Assets = ReturnType<typeof createAssets>;

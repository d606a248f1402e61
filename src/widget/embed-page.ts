// The widget's iframe page, cacheable: `/?embed=1&v=<version>`, the version chosen by
// widget.js (the server writes the current one into the loader it sends). The page at
// a version is always the same bytes and headers: the admin's widget settings, the
// stylesheet and the bundle inlined (no second round trip for them on a first visit)
// and its CSP, whose frame-ancestors come from the allowed origins. Whatever goes into
// it goes into the version, so a settings, origins or build change gives a new URL;
// what changes by the minute (is an agent available, business hours) stays out and is
// fetched by the page (visitor/availability.ts). Inline code is allowed by hash only,
// so the policy admits exactly these two blocks and nothing else inline.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import ejs from "ejs";
import { precompress, type Encoded } from "../lib/encoded.js";

/** What a page of this server may load; `inline` adds the hashes of its own blocks. */
export function pageCsp(frameAncestors: readonly string[], inline?: { script: string; style: string }): string {
  const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
  return [
    "default-src 'self'",
    `script-src 'self'${inline ? ` ${hash(inline.script)}` : ""}`,
    `style-src 'self'${inline ? ` ${hash(inline.style)}` : ""}`,
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.join(" ")}`,
  ].join("; ");
}

export interface EmbedPage {
  version: string;
  csp: string;
  body: Encoded;
}

export interface EmbedPageDeps {
  view: string;
  /** The admin's settings as the page shows them (no availability: that is live). */
  settings: () => Promise<Record<string, unknown>>;
  frameAncestors: () => readonly string[];
  /** The built text of a page asset (lib/assets.ts `content`), null without a build. */
  content: (name: string) => string | null;
}

/** The current page (made once per version), or null without a build to inline. */
export function createEmbedPage(deps: EmbedPageDeps): () => Promise<EmbedPage | null> {
  let memo: { key: string; page: EmbedPage } | null = null;
  return async () => {
    const widget = await deps.settings();
    const css = deps.content("css/visitor.css");
    const js = deps.content("build/visitor.js");
    if (css === null || js === null) return null;
    // Inside <style>/<script> nothing is escaped: a closing tag would end the block.
    if (/<\/style/i.test(css) || /<\/script/i.test(js)) return null;
    const ancestors = ["'self'", ...deps.frameAncestors()];
    const key = JSON.stringify([widget, ancestors, createHash("sha256").update(css).update(js).digest("hex")]);
    if (memo?.key !== key) {
      const html = await ejs.renderFile(deps.view, { widget, embed: true, inline: { css, js }, asset: (n: string) => `/${n}` }, { async: true });
      const csp = pageCsp(ancestors, { script: js, style: css });
      const version = createHash("sha256").update(html).update(csp).digest("hex").slice(0, 12);
      memo = { key, page: { version, csp, body: precompress(html) } };
    }
    return memo.page;
  };
}

/** widget.js with the current page's version in it, compressed once per version. */
export function createLoader(bundle: string): (version: string) => (Encoded & { etag: string }) | null {
  let memo: { key: string; body: Encoded & { etag: string } } | null = null;
  return (version) => {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(bundle).mtimeMs;
    } catch {
      return null; // not built
    }
    const key = `${mtimeMs}:${version}`;
    if (memo?.key !== key) {
      const text = readFileSync(bundle, "utf8").replaceAll("__HOLDFAST_EMBED_VERSION__", version);
      const etag = `"${createHash("sha256").update(text).digest("hex").slice(0, 16)}"`;
      memo = { key, body: { ...precompress(text), etag } };
    }
    return memo.body;
  };
}

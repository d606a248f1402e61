// One body in the encodings a browser may accept, compressed once and sent many times:
// the hashed bundles (read from the build's .br/.gz files, assets.ts) and the bodies the
// server makes itself but keeps for a while (the cacheable embed page and widget.js,
// widget/embed-page.ts). Brotli whenever accepted (smaller than gzip by ~10%),
// whatever order the client lists; the compression middleware is bypassed by setting
// Content-Encoding first.
import { brotliCompress, brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Request, Response } from "express";

export interface Encoded {
  plain: Buffer;
  br: Buffer | null;
  gz: Buffer | null;
}

/** gzip and a quick brotli at once (a few ms each); brotli at its best level (~10 %
 *  smaller) takes ~0.3 s for the embed page, so it is made on the thread pool and
 *  replaces the quick one when ready. */
export function precompress(body: string | Buffer): Encoded {
  const plain = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const br = (quality: number) => ({ params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: plain.length } });
  const out: Encoded = { plain, gz: gzipSync(plain, { level: 9 }), br: brotliCompressSync(plain, br(5)) };
  brotliCompress(plain, br(11), (err, best) => {
    if (!err) out.br = best;
  });
  return out;
}

/** The variant this request accepts: `br`, `gzip` or none. */
export function pickEncoding(req: Request, have: { br: unknown; gz: unknown }): "br" | "gzip" | null {
  if (have.br && req.acceptsEncodings("br") === "br") return "br";
  if (have.gz && req.acceptsEncodings("gzip") === "gzip") return "gzip";
  return null;
}

/** Sends the accepted variant with its length (a 304 when the caller's ETag matches);
 *  the caller has set type and caching. */
export function sendEncoded(req: Request, res: Response, body: Encoded): void {
  res.vary("Accept-Encoding");
  if (res.getHeader("ETag") && req.fresh) return void res.status(304).end();
  const encoding = pickEncoding(req, body);
  const bytes = encoding === "br" ? body.br! : encoding === "gzip" ? body.gz! : body.plain;
  if (encoding) res.setHeader("Content-Encoding", encoding);
  res.setHeader("Content-Length", bytes.length);
  res.status(200).end(req.method === "HEAD" ? undefined : bytes);
}

// HTML and JSON answers compressed with `compression` (express's own middleware). Not
// for /socket.io: the engine answers those itself (and compresses polling bodies by
// its own httpCompression), and a second encoding would be wasted work; not for the
// hashed assets either, which are precompressed at build (assets.ts).
// Loaded at run time: when the package is not installed the responses go out
// uncompressed, with one warning, rather than the server failing to start.
import type { Request, RequestHandler, Response } from "express";
import type { Logger } from "./logger.js";

type Filter = (req: Request, res: Response) => boolean;
type CompressionFactory = ((opts: { threshold: number; filter: Filter }) => RequestHandler) & { filter: Filter };

/** Paths whose bodies are already encoded, or sent by someone else. */
export const SKIP_RE = /^\/(socket\.io|build\/hashed)\//;

export async function compressResponses(log: Pick<Logger, "warn">): Promise<RequestHandler> {
  // A variable specifier: the type-checker need not see the package either.
  const pkg = "compression";
  const loaded = await import(pkg).then((m: { default: CompressionFactory }) => m.default, () => null);
  if (!loaded) {
    log.warn("compression: package not installed, responses are sent uncompressed");
    return (_req, _res, next) => next();
  }
  return loaded({
    // Below ~1 KB the headers and the CPU cost more than the bytes saved.
    threshold: 1024,
    filter: (req, res) => !SKIP_RE.test(req.path) && loaded.filter(req, res),
  });
}

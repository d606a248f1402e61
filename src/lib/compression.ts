// HTML and JSON answers compressed with `compression` (express's own middleware). Not
// for /socket.io: the engine answers those itself (and compresses polling bodies by
// its own httpCompression), and a second encoding would be wasted work; not for the
// hashed assets either, which are precompressed at build (assets.ts).
import compression from "compression";
import type { RequestHandler } from "express";

/** Paths whose bodies are already encoded, or sent by someone else. */
export const SKIP_RE = /^\/(socket\.io|build\/hashed)\//;

export function compressResponses(): RequestHandler {
  return compression({
    // Below ~1 KB the headers and the CPU cost more than the bytes saved.
    threshold: 1024,
    filter: (req, res) => !SKIP_RE.test(req.path) && compression.filter(req, res),
  });
}

// Synchronizer-token CSRF protection for the form posts of the pages: one random token
// per session, put in every form as the hidden field `_csrf` (or sent by the console's
// fetch as the X-CSRF-Token header), checked on every state-changing request outside
// /api. /api routes authenticate with bearer tokens or are read-only GETs, which a
// cross-site page can trigger but never read.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { AppError } from "../lib/errors.js";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** The session's token, created on first use (this is what starts a session). */
export function csrfToken(req: Request): string {
  if (!req.session.csrf) req.session.csrf = randomBytes(24).toString("base64url");
  return req.session.csrf;
}

function same(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const csrfProtection: RequestHandler = (req, _res, next) => {
  if (SAFE.has(req.method) || req.path.startsWith("/api/")) return next();
  const body = req.body as Record<string, unknown> | undefined;
  const given = (typeof body?._csrf === "string" ? body._csrf : undefined) ?? req.get("x-csrf-token");
  const want = req.session?.csrf;
  if (!given || !want || !same(given, want)) return next(new AppError("FORBIDDEN", "invalid or missing CSRF token, reload the page and try again"));
  // The token is not part of any form's data: strict schemas must not see it.
  if (body && "_csrf" in body) delete body._csrf;
  next();
};

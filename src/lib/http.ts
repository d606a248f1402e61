// Shared HTTP pieces: body validation, bearer tokens, the single 404 and error handlers
// (JSON for /api and other machine paths, an EJS page for browsers).
import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import type { z } from "zod";
import { AppError, formatZodError } from "./errors.js";
import type { Logger } from "./logger.js";
import { isUnavailable, unavailable } from "./unavailable.js";

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new AppError("VALIDATION", formatZodError(parsed.error));
  return parsed.data;
}

export function bearer(req: Request): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1] : undefined;
}

/** RATE_LIMITED and UNAVAILABLE answers carry Retry-After (whole seconds) beside retryAfterMs. */
export function setRetryAfter(res: Response, err: AppError) {
  if (err.retryAfterMs !== undefined) res.setHeader("Retry-After", String(Math.ceil(err.retryAfterMs / 1000)));
}

const wantsJson = (req: Request) =>
  req.path.startsWith("/api/") || !req.accepts("html") || req.headers["content-type"]?.includes("json");

export const notFoundHandler: RequestHandler = (req, res) => {
  const err = new AppError("NOT_FOUND", `no route for ${req.method} ${req.path}`);
  if (wantsJson(req)) res.status(404).json({ error: err.toJSON() });
  else res.status(404).render("error", { status: 404, message: "This page does not exist." });
};

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let app: AppError;
    if (err instanceof AppError) app = err;
    else if (err?.type === "entity.too.large") app = new AppError("VALIDATION", "request body too large", 413);
    else if (err?.type === "entity.parse.failed") app = new AppError("VALIDATION", "malformed JSON body");
    else if (err?.code === "EBADCSRFTOKEN") app = new AppError("FORBIDDEN", "invalid or missing CSRF token");
    else if (isUnavailable(err)) {
      log.warn("request: dependency unavailable", { method: req.method, path: req.path, err: String(err?.message ?? err) });
      app = unavailable();
    } else {
      log.error("request failed", { err, method: req.method, path: req.path });
      app = new AppError("INTERNAL", "internal error");
    }
    if (res.headersSent) return;
    setRetryAfter(res, app);
    if (wantsJson(req)) res.status(app.status).json({ error: app.toJSON() });
    else res.status(app.status).render("error", { status: app.status, message: app.message });
  };
}

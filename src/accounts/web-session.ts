// The cookie session of the server-rendered pages (login, console, admin), and the same
// session for the /agent Socket.IO handshake. Typed session contents live here.
import type { IncomingMessage, ServerResponse } from "node:http";
import session from "express-session";
import type { Request, RequestHandler, Response } from "express";
import type { Config } from "../config.js";
import type { Prisma } from "../lib/db.js";
import type { Logger } from "../lib/logger.js";
import { PrismaSessionStore } from "./session-store.js";

declare module "express-session" {
  interface SessionData {
    agentId?: string;
    csrf?: string;
    /** A one-shot notice for the next page (after a redirect). */
    flash?: string;
  }
}

export const SESSION_COOKIE = "hf.sid";
const SESSION_TTL_MS = 7 * 24 * 3600_000;

export function createWebSession(d: { config: Config; prisma: Prisma; secret: string; log: Logger }) {
  const store = new PrismaSessionStore(d.prisma, d.log);
  if (d.config.production && d.config.trustProxy === undefined) {
    // Secure cookies are only set on requests Express sees as https: behind a TLS proxy
    // without TRUST_PROXY every login would silently fail to stick.
    d.log.warn("NODE_ENV=production: session cookies are Secure; set TRUST_PROXY when TLS ends at a proxy");
  }
  const middleware = session({
    name: SESSION_COOKIE,
    secret: d.secret,
    store,
    resave: false,
    // No row for anonymous page views; a session starts when a form needs a CSRF token.
    saveUninitialized: false,
    // Each request pushes the expiry out: an agent working daily is not logged out.
    rolling: true,
    // Behind a TLS-terminating proxy, req.secure follows Express's "trust proxy".
    cookie: { httpOnly: true, sameSite: "lax", secure: d.config.production, maxAge: SESSION_TTL_MS, path: "/" },
  });
  return { store, middleware, close: () => store.close() };
}
export type WebSession = ReturnType<typeof createWebSession>;

/** For io.engine.use: only the handshake request (no `sid` query yet) needs the session;
 * running it on every long-polling request would read the store each time. */
export function handshakeOnly(mw: RequestHandler) {
  return (req: IncomingMessage & { _query?: Record<string, string> }, res: ServerResponse, next: (err?: unknown) => void) => {
    if (req._query?.sid !== undefined) return next();
    // No session cookie (every visitor, every token-authenticated agent): nothing to read,
    // and express-session would still build and sign a fresh session for each handshake.
    if (!req.headers.cookie?.includes(`${SESSION_COOKIE}=`)) return next();
    // Express's Request and Response extend these node types; the session reads no more.
    void mw(req as Request, res as Response, next);
  };
}

// Who is calling, for the pages and the console's JSON endpoints: the agent of the
// session cookie (pages and /api), or of a bearer token (/api only, for apps). The
// agent row is re-read on every request, so a role change or a deactivation applies
// at once, not at the next login.
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { AppError } from "../lib/errors.js";
import { bearer } from "../lib/http.js";
import type { AgentRow } from "./accounts.repository.js";
import { publicAgent, type AccountsService } from "./accounts.service.js";
import { csrfToken } from "./csrf.js";

export type Role = "admin" | "agent";

/** The generated first password is printed in the log, so it works only to replace it. */
export const FIRST_PASSWORD = "choose a new password first: log in at /login and follow the page";

declare module "express-serve-static-core" {
  interface Request {
    agent?: AgentRow;
  }
}

/** A local path to return to after login; anything else (//evil, https://…) is dropped. */
export function safeNext(raw: unknown, fallback = "/agent"): string {
  return typeof raw === "string" && /^\/(?![/\\])[\x21-\x7e]*$/.test(raw) && raw.length < 500 ? raw : fallback;
}

export function createWebAuth(accounts: AccountsService) {
  async function sessionAgent(req: Request): Promise<AgentRow | null> {
    const id = req.session?.agentId;
    if (!id) return null;
    const agent = await accounts.repo.agentById(id);
    if (agent?.active) return agent;
    // Deactivated or deleted since login: the session is worth nothing any more.
    await new Promise<void>((r) => req.session.destroy(() => r()));
    return null;
  }

  const allowed = (agent: AgentRow, role?: Role) => !role || agent.role === role;

  /** Pages: not logged in sends the browser to /login, wrong role is a 403 page, a first
   *  password not yet replaced to /account/password (the page that replaces it opts out). */
  function page(role?: Role, opts: { firstPassword?: boolean } = {}): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      // Checked already on this request (a router behind another guard): a second pass
      // would read the one-shot notice again, finding it gone.
      if (req.agent && res.locals.me) {
        if (!allowed(req.agent, role)) throw new AppError("FORBIDDEN", "this page is for admins only");
        return next();
      }
      const agent = await sessionAgent(req);
      if (!agent) {
        if (req.method !== "GET") throw new AppError("AUTH_INVALID", "your session ended, log in again");
        return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      }
      if (!allowed(agent, role)) throw new AppError("FORBIDDEN", "this page is for admins only");
      if (agent.mustChangePassword && !opts.firstPassword) {
        if (req.method !== "GET") throw new AppError("FORBIDDEN", FIRST_PASSWORD);
        return res.redirect(303, `/account/password?next=${encodeURIComponent(req.originalUrl)}`);
      }
      req.agent = agent;
      res.locals.me = publicAgent(agent);
      res.locals.takesChats = agent.takesChats === true; // the console's "I take chats" box
      res.locals.csrf = csrfToken(req);
      res.locals.flash = req.session.flash;
      delete req.session.flash;
      res.setHeader("Cache-Control", "no-store");
      next();
    };
  }

  /** JSON endpoints: a session cookie or an agent bearer token; 401/403 as JSON. With
   *  `sessionOnly`, the page's cookie session alone (an endpoint that hands out tokens
   *  tied to it: one token must not mint others that outlive its revocation). */
  function api(role?: Role, opts: { sessionOnly?: boolean } = {}): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      const token = bearer(req);
      if (token && opts.sessionOnly) throw new AppError("AUTH_INVALID", "the console's session is required, not a token");
      const agent = token ? await accounts.agentFromToken(token) : await sessionAgent(req);
      if (!agent) throw new AppError("AUTH_INVALID", token ? "invalid token" : "log in first");
      if (!allowed(agent, role)) throw new AppError("FORBIDDEN", "admins only");
      if (agent.mustChangePassword) throw new AppError("FORBIDDEN", FIRST_PASSWORD);
      req.agent = agent;
      res.setHeader("Cache-Control", "no-store");
      next();
    };
  }

  return { page, api, sessionAgent };
}
export type WebAuth = ReturnType<typeof createWebAuth>;

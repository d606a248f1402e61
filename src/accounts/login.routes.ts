// GET/POST /login and POST /logout for the console and admin pages. Failed logins are
// limited per IP and per account (a distributed guesser still hits the account cap);
// successes do not count, so a team behind one NAT can all log in at 9:00. A success
// regenerates the session, so an id planted before login is worth nothing.
import { Router, type Request, type Response } from "express";
import { AppError } from "../lib/errors.js";
import { parseBody } from "../lib/http.js";
import type { Limiters } from "../limits/limiter.js";
import { HTTP_BUDGETS } from "../limits/limits.rules.js";
import type { Realtime } from "../realtime/realtime.js";
import type { AccountsService } from "./accounts.service.js";
import { csrfToken } from "./csrf.js";
import { LoginFormSchema } from "./accounts.schemas.js";
import type { WebAuth } from "./web-auth.js";
import { safeNext } from "./web-auth.js";
import { SESSION_COOKIE } from "./web-session.js";

const ANONYMOUS_TTL_MS = 3600_000;

const promisify = (fn: (cb: (err: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

export function loginRoutes(d: {
  accounts: AccountsService; auth: WebAuth; realtime: Pick<Realtime, "disconnectSession">; limiters: Pick<Limiters, "cluster">;
}) {
  const r = Router();
  const perIp = d.limiters.cluster("login-ip", HTTP_BUDGETS.loginsPerIp, "too many attempts, try again later");
  const perAccount = d.limiters.cluster("login-account", HTTP_BUDGETS.loginsPerAccount, "too many attempts, try again later");

  const form = (req: Request, res: Response, status: number, error: string | null, email = "") => {
    // The form's CSRF token starts a session; an anonymous one (a bot fetching /login)
    // lives an hour, not the week of a logged-in one. Login regenerates it anyway.
    if (!req.session.agentId) req.session.cookie.maxAge = ANONYMOUS_TTL_MS;
    return res.status(status).setHeader("Cache-Control", "no-store").render("login", {
      csrf: csrfToken(req),
      next: safeNext(req.body?.next ?? req.query.next),
      email,
      error,
    });
  };

  r.get("/login", async (req, res) => {
    if (await d.auth.sessionAgent(req)) return res.redirect(303, safeNext(req.query.next));
    form(req, res, 200, null);
  });

  r.post("/login", async (req, res) => {
    const email = typeof req.body?.email === "string" ? req.body.email.slice(0, 254) : "";
    try {
      const ip = req.ip ?? "?";
      await perIp.hit(ip);
      const body = parseBody(LoginFormSchema, req.body);
      await perAccount.hit(body.email);
      const agent = await d.accounts.checkPassword(body.email, body.password);
      if (!agent) throw new AppError("AUTH_INVALID", "Wrong email or password.");
      perIp.refund(ip);
      perAccount.reset(body.email);
      await promisify((cb) => req.session.regenerate(cb));
      req.session.agentId = agent.id;
      csrfToken(req); // a fresh token for the new session
      await promisify((cb) => req.session.save(cb));
      res.redirect(303, safeNext(body.next));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      form(req, res, err.status, err.message, email);
    }
  });

  r.post("/logout", async (req, res) => {
    const sid = req.sessionID;
    await promisify((cb) => req.session.destroy(cb));
    res.clearCookie(SESSION_COOKIE, { path: "/" });
    // Console sockets opened with this session close now, on every node; a reconnect
    // fails, as the session no longer exists.
    d.realtime.disconnectSession(sid);
    res.redirect(303, "/login");
  });

  return r;
}

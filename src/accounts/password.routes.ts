// GET/POST /account/password: the first admin's generated password (printed once in the
// log) is replaced at the first login. Every other page leads here until it is
// (web-auth.ts); the new password signs out every other session of the agent, as an
// admin's reset does, and the generated one stops working.
import { verify } from "@node-rs/argon2";
import { Router, type Request, type Response } from "express";
import { AppError } from "../lib/errors.js";
import { parseBody } from "../lib/http.js";
import { FirstPasswordSchema } from "./accounts.schemas.js";
import { csrfToken } from "./csrf.js";
import { safeNext, type WebAuth } from "./web-auth.js";

export function passwordRoutes(d: {
  auth: WebAuth;
  /** Sets the agent's password, signing out their other sessions but this one. */
  setPassword: (agentId: string, keepSid: string, password: string) => Promise<unknown>;
  /** The first admin's answer to "Will you answer chats yourself?". */
  setTakesChats: (agentId: string, takesChats: boolean) => Promise<unknown>;
}) {
  const r = Router();
  const form = (req: Request, res: Response, status: number, error: string | null) =>
    res.status(status).render("account-password", {
      csrf: csrfToken(req), next: safeNext(req.body?.next ?? req.query.next, "/admin/agents"), error,
      first: req.agent!.mustChangePassword, ask: req.agent!.takesChats === null, takesChats: req.body?.takesChats ?? null,
    });

  r.get("/account/password", d.auth.page(undefined, { firstPassword: true }), (req, res) => void form(req, res, 200, null));
  r.post("/account/password", d.auth.page(undefined, { firstPassword: true }), async (req, res) => {
    try {
      const body = parseBody(FirstPasswordSchema, req.body);
      if (await verify(req.agent!.passwordHash, body.password).catch(() => false)) {
        throw new AppError("VALIDATION", "choose a password other than the current one");
      }
      // Not chosen yet (the generated admin): not assignable until they answer, here.
      const ask = req.agent!.takesChats === null;
      if (ask && !body.takesChats) throw new AppError("VALIDATION", "choose whether you answer chats yourself");
      await d.setPassword(req.agent!.id, req.sessionID, body.password);
      if (ask) await d.setTakesChats(req.agent!.id, body.takesChats === "yes");
      req.session.flash = "Your new password is set.";
      res.redirect(303, safeNext(body.next, "/admin/agents"));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      form(req, res, err.status, err.message);
    }
  });
  return r;
}

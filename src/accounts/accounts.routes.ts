// Token endpoints for visitors and API agents: sessions, sign-in, logout.
import { Router } from "express";
import { AppError } from "../lib/errors.js";
import { bearer, parseBody } from "../lib/http.js";
import type { Limiters } from "../limits/limiter.js";
import { HTTP_BUDGETS } from "../limits/limits.rules.js";
import type { Realtime } from "../realtime/realtime.js";
import type { AccountsService } from "./accounts.service.js";
import { AgentTokenSchema, VisitorSessionSchema } from "./accounts.schemas.js";
import type { LoginThrottle } from "./login-throttle.js";
import { FIRST_PASSWORD } from "./web-auth.js";
import type { VisitorSessions } from "../visitors/visitor-sessions.service.js";
import { contextToMeta } from "../visitors/visitors.schemas.js";

export function accountsRoutes(d: {
  accounts: AccountsService; throttle: LoginThrottle; realtime: Pick<Realtime, "disconnectTokens">; limiters: Pick<Limiters, "cluster">;
  sessions: VisitorSessions;
}) {
  const { accounts } = d;
  const r = Router();
  const sessionsPerIp = d.limiters.cluster("sessions-ip", HTTP_BUDGETS.sessionsPerIp);

  r.post("/api/visitor/session", async (req, res) => {
    await sessionsPerIp.hit(req.ip ?? "?");
    const { page, title, referrer, language, timezone, ...body } = parseBody(VisitorSessionSchema, req.body);
    const meta = { ...body.meta, ...contextToMeta({ page, title, referrer, language, timezone }), userAgent: String(req.headers["user-agent"] ?? "").slice(0, 500) };
    res.status(201).json(await d.sessions.create({ name: body.name, email: body.email, meta, userId: body.userId, userHash: body.userHash }));
  });

  // The same budget as the console's /login (login-throttle.ts).
  r.post("/api/agent/token", async (req, res) => {
    const body = parseBody(AgentTokenSchema, req.body);
    const email = body.email.trim().toLowerCase();
    const agent = await d.throttle.attempt(email, req.ip ?? "?", () => accounts.checkPassword(email, body.password));
    if (!agent) throw new AppError("AUTH_INVALID", "wrong email or password");
    if (agent.mustChangePassword) throw new AppError("FORBIDDEN", FIRST_PASSWORD);
    res.json({ agentId: agent.id, token: await accounts.issueToken(agent) });
  });

  // This token only (the agent's other devices stay signed in); its sockets close on every node.
  r.post("/api/agent/logout", async (req, res) => {
    const holder = await accounts.tokenHolder(bearer(req));
    if (!holder) throw new AppError("AUTH_INVALID", "agent bearer token required");
    await accounts.revokeToken(holder.tokenId);
    d.realtime.disconnectTokens([holder.tokenId]);
    res.status(204).end();
  });

  return r;
}

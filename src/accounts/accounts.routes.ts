// Token endpoints for visitors and API agents, and agent creation by an admin.
import { Router, type Request } from "express";
import { AppError } from "../lib/errors.js";
import { bearer, parseBody } from "../lib/http.js";
import type { Limiters } from "../limits/limiter.js";
import { HTTP_BUDGETS } from "../limits/limits.rules.js";
import type { AccountsService } from "./accounts.service.js";
import { AgentTokenSchema, CreateAgentSchema, VisitorSessionSchema } from "./accounts.schemas.js";

export function accountsRoutes(accounts: AccountsService, limiters: Pick<Limiters, "cluster">) {
  const r = Router();
  const perIp = limiters.cluster("token-ip", HTTP_BUDGETS.loginsPerIp, "too many attempts, try again later");
  const perAccount = limiters.cluster("token-account", HTTP_BUDGETS.loginsPerAccount, "too many attempts, try again later");
  const sessionsPerIp = limiters.cluster("sessions-ip", HTTP_BUDGETS.sessionsPerIp);

  r.post("/api/visitor/session", async (req, res) => {
    await sessionsPerIp.hit(req.ip ?? "?");
    const body = parseBody(VisitorSessionSchema, req.body);
    const meta = { ...body.meta, userAgent: String(req.headers["user-agent"] ?? "").slice(0, 500) };
    res.status(201).json(await accounts.createVisitor({ name: body.name, email: body.email, meta }));
  });

  r.post("/api/agent/token", async (req, res) => {
    const body = parseBody(AgentTokenSchema, req.body);
    const email = body.email.trim().toLowerCase();
    const ip = req.ip ?? "?";
    await perIp.hit(ip);
    await perAccount.hit(email);
    const out = await accounts.issueAgentToken(email, body.password);
    // Successes do not count: the per-address budget is shared by every node (Redis).
    perIp.refund(ip);
    perAccount.reset(email);
    res.json(out);
  });

  r.post("/api/agents", async (req, res) => {
    await requireAdmin(accounts, req);
    const body = parseBody(CreateAgentSchema, req.body);
    res.status(201).json({ agent: await accounts.createAgent(body) });
  });

  return r;
}

export async function requireAdmin(accounts: AccountsService, req: Request) {
  const token = bearer(req);
  if (!token) throw new AppError("AUTH_INVALID", "admin bearer token required");
  const agent = await accounts.agentFromToken(token);
  if (!agent) throw new AppError("AUTH_INVALID", "invalid token");
  if (agent.role !== "admin") throw new AppError("FORBIDDEN", "admins only");
  return agent;
}

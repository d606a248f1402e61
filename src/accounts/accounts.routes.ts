// Token endpoints for visitors and API agents, and agent creation by an admin.
import { Router, type Request } from "express";
import { AppError } from "../lib/errors.js";
import { bearer, parseBody } from "../lib/http.js";
import { createRateLimiter } from "../lib/rate-limit.js";
import type { AccountsService } from "./accounts.service.js";
import { AgentTokenSchema, CreateAgentSchema, VisitorSessionSchema } from "./accounts.schemas.js";

export function accountsRoutes(accounts: AccountsService) {
  const r = Router();
  const perIp = createRateLimiter({ limit: 20, windowMs: 60_000 });
  const perAccount = createRateLimiter({ limit: 10, windowMs: 15 * 60_000 });
  // Generous: on mobile networks whole regions share one address behind carrier-grade
  // NAT, and a refused session is a customer who cannot write at all.
  const sessionsPerIp = createRateLimiter({ limit: 300, windowMs: 60_000 });

  r.post("/api/visitor/session", async (req, res) => {
    sessionsPerIp.hit(req.ip ?? "?");
    const body = parseBody(VisitorSessionSchema, req.body);
    const meta = { ...body.meta, userAgent: String(req.headers["user-agent"] ?? "").slice(0, 500) };
    res.status(201).json(await accounts.createVisitor({ name: body.name, email: body.email, meta }));
  });

  r.post("/api/agent/token", async (req, res) => {
    const body = parseBody(AgentTokenSchema, req.body);
    const email = body.email.trim().toLowerCase();
    perIp.hit(req.ip ?? "?");
    perAccount.hit(email);
    const out = await accounts.issueAgentToken(email, body.password);
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

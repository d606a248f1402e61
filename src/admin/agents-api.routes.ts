// The team over JSON, for an admin's bearer token (PROTOCOL.md section 2): POST
// /api/agents creates an agent, PATCH /api/agents/:id changes one with the same guards
// and the same end of access as the admin forms (agents.service.ts).
import { Router, type Request } from "express";
import { CreateAgentSchema, UpdateAgentSchema } from "../accounts/accounts.schemas.js";
import type { AccountsService } from "../accounts/accounts.service.js";
import { AppError } from "../lib/errors.js";
import { bearer, parseBody } from "../lib/http.js";
import { IdParamSchema } from "./admin.schemas.js";
import type { AdminAgentsService } from "./agents.service.js";

export async function requireAdmin(accounts: AccountsService, req: Request) {
  const token = bearer(req);
  if (!token) throw new AppError("AUTH_INVALID", "admin bearer token required");
  const agent = await accounts.agentFromToken(token);
  if (!agent) throw new AppError("AUTH_INVALID", "invalid token");
  if (agent.role !== "admin") throw new AppError("FORBIDDEN", "admins only");
  return agent;
}

export function agentsApiRoutes(d: { accounts: AccountsService; agents: AdminAgentsService }) {
  const r = Router();

  r.post("/api/agents", async (req, res) => {
    await requireAdmin(d.accounts, req);
    const body = parseBody(CreateAgentSchema, req.body);
    res.status(201).json({ agent: await d.agents.create(body) });
  });

  r.patch("/api/agents/:id", async (req, res) => {
    const admin = await requireAdmin(d.accounts, req);
    const id = parseBody(IdParamSchema, req.params.id);
    const changes = parseBody(UpdateAgentSchema, req.body);
    res.json({ agent: await d.agents.update({ id: admin.id }, id, changes) });
  });

  return r;
}

// Who calls the REST API: an API key (`Bearer hfk_...`, an integration) or an agent's
// bearer token (the agent, with its role), as an Actor the services authorise. Bearer
// only: /api is outside the pages' CSRF check, so a cookie session must not write here.
import type { RequestHandler } from "express";
import type { Actor } from "../accounts/actor.js";
import type { AccountsService } from "../accounts/accounts.service.js";
import { FIRST_PASSWORD } from "../accounts/web-auth.js";
import { AppError } from "../lib/errors.js";
import { bearer } from "../lib/http.js";
import { isApiKey, type ApiKeysService } from "./apikeys.service.js";

declare module "express-serve-static-core" {
  interface Request {
    actor?: Actor;
  }
}

export function restAuth(d: { accounts: Pick<AccountsService, "agentFromToken">; apiKeys: Pick<ApiKeysService, "actorFromKey"> }): RequestHandler {
  return async (req, res, next) => {
    const token = bearer(req);
    if (!token) throw new AppError("AUTH_INVALID", "an API key or agent bearer token is required");
    if (isApiKey(token)) {
      const actor = await d.apiKeys.actorFromKey(token);
      if (!actor) throw new AppError("AUTH_INVALID", "invalid or revoked API key");
      req.actor = actor;
    } else {
      const agent = await d.accounts.agentFromToken(token);
      if (!agent) throw new AppError("AUTH_INVALID", "invalid token");
      if (agent.mustChangePassword) throw new AppError("FORBIDDEN", FIRST_PASSWORD);
      req.actor = { type: "agent", id: agent.id, name: agent.name, role: agent.role === "admin" ? "admin" : "agent" };
    }
    res.setHeader("Cache-Control", "no-store");
    next();
  };
}

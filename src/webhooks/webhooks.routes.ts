// Webhooks over JSON, for an admin's bearer token (PROTOCOL.md section 6): POST
// /api/webhooks adds one (`201 { webhook: { id, url, events } }`); GET lists them and
// DELETE removes one (additions to the contract). The secret is never answered.
import { Router } from "express";
import type { AccountsService } from "../accounts/accounts.service.js";
import { requireAdmin } from "../admin/agents-api.routes.js";
import { AppError } from "../lib/errors.js";
import { parseBody } from "../lib/http.js";
import type { WebhooksService } from "./webhooks.service.js";
import { CreateWebhookSchema, WebhookIdSchema } from "./webhooks.schemas.js";

const wire = (w: { id: string; url: string; events: string[] }) => ({ id: w.id, url: w.url, events: w.events });

export function webhooksRoutes(d: { accounts: AccountsService; webhooks: WebhooksService }) {
  const r = Router();
  r.post("/api/webhooks", async (req, res) => {
    await requireAdmin(d.accounts, req);
    const body = parseBody(CreateWebhookSchema, req.body);
    res.status(201).json({ webhook: wire(await d.webhooks.create(body)) });
  });
  r.get("/api/webhooks", async (req, res) => {
    await requireAdmin(d.accounts, req);
    res.json({ webhooks: (await d.webhooks.list()).map(wire) });
  });
  r.delete("/api/webhooks/:id", async (req, res) => {
    await requireAdmin(d.accounts, req);
    const id = parseBody(WebhookIdSchema, req.params.id);
    if (!(await d.webhooks.remove(id))) throw new AppError("NOT_FOUND", "no such webhook");
    res.status(204).end();
  });
  return r;
}

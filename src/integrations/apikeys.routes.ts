// API keys for admins: the page /admin/api-keys (create with a name, the key shown on
// the answer to that form and never again, the list with created and last used, revoke;
// CSRF-checked forms like the other admin pages) and the same over JSON with an admin's
// bearer token (/api/api-keys). An API key is never an admin's credential here.
import { Router, type RequestHandler, type Response } from "express";
import type { AccountsService } from "../accounts/accounts.service.js";
import { requireAdmin } from "../admin/agents-api.routes.js";
import { formAction, type Render } from "../admin/forms.js";
import { AppError } from "../lib/errors.js";
import { parseBody } from "../lib/http.js";
import type { ApiKeysService } from "./apikeys.service.js";
import { ApiKeyParams, CreateApiKeyBody } from "./rest.schemas.js";

const BACK = "/admin/api-keys";

export function apiKeysAdminRoutes(d: { guard: RequestHandler; apiKeys: ApiKeysService }) {
  const r = Router();
  r.use(BACK, d.guard);
  const page = async (res: Response, status: number, extra: object) => {
    res.status(status).render("admin/api-keys", { nav: "api-keys", apiKeys: await d.apiKeys.list(), created: null, error: null, values: {}, form: null, ...extra });
  };
  const render: Render = (_req, res, status, extra) => page(res, status, extra);
  r.get(BACK, (req, res) => render(req, res, 200, {}));

  // Not post/redirect/get: the key goes into this one answer only, never into the session.
  r.post(BACK, async (req, res) => {
    let created;
    try {
      const { name } = parseBody(CreateApiKeyBody, req.body);
      created = await d.apiKeys.create(name, req.agent!.id);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return render(req, res, err.status, { error: err.message, values: req.body ?? {}, form: "create" });
    }
    res.setHeader("Cache-Control", "no-store");
    await page(res, 200, { created: { ...created.apiKey, key: created.key } });
  });

  r.post(`${BACK}/:id/revoke`, formAction(render, "revoke", BACK, async (req, t) => {
    await d.apiKeys.revoke(parseBody(ApiKeyParams, req.params).id);
    return t("notice.keyRevoked");
  }));
  return r;
}

export function apiKeysApiRoutes(d: { accounts: AccountsService; apiKeys: ApiKeysService }) {
  const r = Router();
  r.get("/api/api-keys", async (req, res) => {
    await requireAdmin(d.accounts, req);
    res.json({ apiKeys: await d.apiKeys.list() });
  });
  r.post("/api/api-keys", async (req, res) => {
    const admin = await requireAdmin(d.accounts, req);
    const { name } = parseBody(CreateApiKeyBody, req.body);
    res.status(201).json(await d.apiKeys.create(name, admin.id));
  });
  r.delete("/api/api-keys/:id", async (req, res) => {
    await requireAdmin(d.accounts, req);
    await d.apiKeys.revoke(parseBody(ApiKeyParams, req.params).id);
    res.status(204).end();
  });
  return r;
}

// /admin/webhooks: add a receiver (URL, secret, events), list and delete them, and the
// delivery log (each event's state; each attempt's status code, body excerpt, error and
// duration) with a redeliver button. CSRF-checked forms, post/redirect/get like the
// other admin pages (admin/forms.ts).
import { Router, type RequestHandler } from "express";
import { formAction, type Render } from "../admin/forms.js";
import { AppError } from "../lib/errors.js";
import { parseBody } from "../lib/http.js";
import type { DeliveryLog } from "./delivery.log.js";
import type { WebhookOutbox } from "./outbox.repository.js";
import type { WebhooksService } from "./webhooks.service.js";
import { EVENT_TYPES } from "./webhooks.rules.js";
import { WebhookFormSchema, WebhookIdSchema } from "./webhooks.schemas.js";

export interface WebhooksAdminDeps {
  guard: RequestHandler;
  webhooks: WebhooksService;
  log: DeliveryLog;
  outbox: Pick<WebhookOutbox, "redeliver">;
  nudge: () => void;
}

export function webhooksAdminRoutes(d: WebhooksAdminDeps) {
  const r = Router();
  // Once per request: the admin pages' guard may have run already (mounted on /admin),
  // and a second run would drop the one-shot notice it handed to the page.
  r.use("/admin/webhooks", (req, res, next) => (req.agent?.role === "admin" ? next() : d.guard(req, res, next)));
  const render: Render = async (_req, res, status, extra) => {
    const [webhooks, events, attempts, counts] = await Promise.all([d.webhooks.list(), d.log.events(50), d.log.attempts(100), d.log.counts()]);
    res.status(status).render("admin/webhooks", {
      nav: "webhooks", eventTypes: EVENT_TYPES, webhooks, events, attempts, counts, error: null, form: null, values: {}, ...extra,
    });
  };
  const back = "/admin/webhooks";
  r.get(back, (req, res) => render(req, res, 200, {}));
  r.post(`${back}/add`, formAction(render, "add", back, async (req, t) => {
    const { _csrf: _c, ...body } = (req.body ?? {}) as Record<string, unknown>;
    const w = await d.webhooks.create(parseBody(WebhookFormSchema, body));
    return t("notice.hookAdded", { url: w.url });
  }));
  r.post(`${back}/:id/delete`, formAction(render, "delete", back, async (req, t) => {
    if (!(await d.webhooks.remove(parseBody(WebhookIdSchema, req.params.id)))) throw new AppError("NOT_FOUND", "no such webhook");
    return t("notice.hookDeleted");
  }));
  r.post(`${back}/events/:id/redeliver`, formAction(render, "redeliver", back, async (req, t) => {
    if (!(await d.outbox.redeliver(parseBody(WebhookIdSchema, req.params.id)))) throw new AppError("NOT_FOUND", "no such event (or it is being sent)");
    d.nudge();
    return t("notice.redeliver");
  }));
  return r;
}

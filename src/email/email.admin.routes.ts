// /admin/email: whether email is configured, the latest deliveries (status, attempts,
// last error) and which agents get the waiting-conversation notice (a CSRF-checked form,
// post/redirect/get like the other admin pages).
import { Router, type RequestHandler } from "express";
import { formAction, type Render } from "../admin/forms.js";
import { parseBody } from "../lib/http.js";
import type { EmailRepository } from "./email.repository.js";
import { NotifyFormSchema } from "./email.schemas.js";
import type { MailTransport } from "./mail.transport.js";
import type { OutboxRepository } from "./outbox.repository.js";

export interface EmailAdminDeps {
  guard: RequestHandler;
  repo: EmailRepository;
  outbox: OutboxRepository;
  /** Null when SMTP_URL is unset. */
  transport: MailTransport | null;
  baseUrl: string;
  publicUrlSet: boolean;
  afterMs: number;
}

export function emailAdminRoutes(d: EmailAdminDeps) {
  const r = Router();
  r.use("/admin/email", d.guard);
  const render: Render = async (_req, res, status, extra) => {
    const [deliveries, counts, agents, unsubscribed] = await Promise.all([
      d.outbox.recent(50), d.outbox.counts(), d.repo.agents(), d.repo.unsubscribedCount(),
    ]);
    res.status(status).render("admin/email", {
      nav: "email", smtp: d.transport?.describe() ?? null, baseUrl: d.baseUrl, publicUrlSet: d.publicUrlSet, afterMs: d.afterMs,
      deliveries, counts: Object.fromEntries(counts.map((c) => [c.status, c.n])), agents, unsubscribed, error: null, ...extra,
    });
  };
  r.get("/admin/email", (req, res) => render(req, res, 200, {}));
  r.post("/admin/email/notify", formAction(render, "notify", "/admin/email", async (req, t) => {
    const { notify } = parseBody(NotifyFormSchema, req.body);
    await d.repo.setNotified(notify);
    return notify.length ? t(notify.length === 1 ? "notice.notify1" : "notice.notifyN", { n: notify.length }) : t("notice.notifyNone");
  }));
  return r;
}

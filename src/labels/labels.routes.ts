// /admin/labels (admins: list, create, rename, recolour, delete; post/redirect/get like
// the other admin pages) and GET /api/labels (the console's list to choose from).
import { Router, type Request, type RequestHandler } from "express";
import type { Actor } from "../accounts/actor.js";
import { IdParamSchema } from "../admin/admin.schemas.js";
import { formAction, type Render } from "../admin/forms.js";
import { parseBody } from "../lib/http.js";
import { LABEL_COLOURS } from "./labels.rules.js";
import { LabelFormSchema } from "./labels.schemas.js";
import type { LabelsService } from "./labels.service.js";

const actor = (req: Request): Actor => {
  const a = req.agent!;
  return { type: "agent", id: a.id, name: a.name, role: a.role === "admin" ? "admin" : "agent" };
};

/** GET /api/labels: any logged-in agent. */
export function labelsApiRoutes(d: { api: RequestHandler; labels: Pick<LabelsService, "list"> }) {
  const r = Router();
  r.get("/api/labels", d.api, async (_req, res) => {
    const labels = await d.labels.list();
    res.json({ labels: labels.map(({ id, name, colour }) => ({ id, name, colour })) });
  });
  return r;
}

/** /admin/labels, mounted behind the admin pages' guard (admin.routes.ts). */
export function labelsAdminRoutes(d: { labels: LabelsService }) {
  const r = Router();
  const id = (req: Request) => parseBody(IdParamSchema, req.params.id);
  const page: Render = async (_req, res, status, extra) =>
    res.status(status).render("admin/labels", {
      nav: "labels", labels: await d.labels.list(), colours: LABEL_COLOURS, error: null, values: {}, form: null, ...extra,
    });
  r.get("/admin/labels", (req, res) => page(req, res, 200, {}));
  r.post("/admin/labels", formAction(page, "create", "/admin/labels", async (req, t) => {
    const l = await d.labels.create(actor(req), parseBody(LabelFormSchema, req.body));
    return t("notice.labelAdded", { name: l.name });
  }));
  r.post("/admin/labels/:id", formAction(page, "update", "/admin/labels", async (req, t) => {
    const l = await d.labels.update(actor(req), id(req), parseBody(LabelFormSchema, req.body));
    return t("notice.labelSaved", { name: l.name });
  }));
  r.post("/admin/labels/:id/delete", formAction(page, "delete", "/admin/labels", async (req, t) => {
    await d.labels.remove(actor(req), id(req));
    return t("notice.labelDeleted");
  }));
  return r;
}

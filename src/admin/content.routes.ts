// /admin/canned, /admin/filter, /admin/widget: what agents insert, what nobody may
// write, and how the widget looks on customers' sites.
import { Router, type Request } from "express";
import type { CannedRepository } from "../canned/canned.repository.js";
import { CannedFormSchema } from "../canned/canned.schemas.js";
import { parseBody } from "../lib/http.js";
import type { SettingsService } from "../settings/settings.service.js";
import { ContentFilterFormSchema, WidgetFormSchema } from "../settings/settings.schemas.js";
import { IdParamSchema } from "./admin.schemas.js";
import { formAction, type Render } from "./forms.js";

/** This server's public origin, as the browser reached it (trust proxy applies). */
export const originOf = (req: Request) => `${req.protocol}://${req.get("host")}`;

export function contentAdminRoutes(d: { canned: CannedRepository; settings: SettingsService }) {
  const r = Router();
  const id = (req: Request) => parseBody(IdParamSchema, req.params.id);

  const canned: Render = async (_req, res, status, extra) =>
    res.status(status).render("admin/canned", { nav: "canned", canned: await d.canned.list(), error: null, values: {}, form: null, ...extra });
  r.get("/admin/canned", (req, res) => canned(req, res, 200, {}));
  r.post("/admin/canned", formAction(canned, "create", "/admin/canned", async (req, t) => {
    const c = await d.canned.create(parseBody(CannedFormSchema, req.body));
    return t("notice.cannedAdded", { shortcut: c.shortcut });
  }));
  r.post("/admin/canned/:id", formAction(canned, "update", "/admin/canned", async (req, t) => {
    const c = await d.canned.update(id(req), parseBody(CannedFormSchema, req.body));
    return t("notice.cannedSaved", { shortcut: c.shortcut });
  }));
  r.post("/admin/canned/:id/delete", formAction(canned, "delete", "/admin/canned", async (req, t) => {
    await d.canned.remove(id(req));
    return t("notice.deleted");
  }));

  const filter: Render = async (_req, res, status, extra) =>
    res.status(status).render("admin/filter", { nav: "filter", filter: await d.settings.getContentFilter(), error: null, values: null, form: null, ...extra });
  r.get("/admin/filter", (req, res) => filter(req, res, 200, {}));
  r.post("/admin/filter", formAction(filter, "filter", "/admin/filter", async (req, t) => {
    const f = await d.settings.setContentFilter(parseBody(ContentFilterFormSchema, req.body));
    return t(f.words.length === 1 ? "notice.filterSaved1" : "notice.filterSavedN", { n: f.words.length, policy: t(f.policy === "block" ? "filter.block" : "filter.mask").toLowerCase() });
  }));

  const widget: Render = async (req, res, status, extra) =>
    res.status(status).render("admin/widget", {
      nav: "widget", widget: await d.settings.getWidget(), origin: originOf(req), error: null, values: null, form: null, ...extra,
    });
  r.get("/admin/widget", (req, res) => widget(req, res, 200, {}));
  r.post("/admin/widget", formAction(widget, "widget", "/admin/widget", async (req, t) => {
    await d.settings.setWidget(parseBody(WidgetFormSchema, req.body));
    return t("notice.widgetSaved");
  }));

  return r;
}

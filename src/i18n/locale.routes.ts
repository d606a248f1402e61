// The language switch of the console and admin pages: stores the agent's choice, then
// sends a form back to the page it came from (JSON callers get the stored value). Not
// under /api: a cookie-authenticated write, so the CSRF check applies (accounts/csrf.ts).
import { Router } from "express";
import { safeNext, type WebAuth } from "../accounts/web-auth.js";
import { parseBody } from "../lib/http.js";
import { LocaleChoiceSchema } from "./i18n.schemas.js";
import type { LocaleRepository } from "./locale.repository.js";

export function localeRoutes(d: { auth: WebAuth; locales: LocaleRepository }) {
  const r = Router();
  r.post("/account/locale", d.auth.page(undefined, { firstPassword: true }), async (req, res) => {
    const { locale, next } = parseBody(LocaleChoiceSchema, req.body);
    await d.locales.setAgentLocale(req.agent!.id, locale);
    if (req.is("application/json")) return void res.json({ locale });
    res.redirect(303, safeNext(next ?? req.get("referer")?.replace(/^https?:\/\/[^/]+/, ""), "/agent"));
  });
  return r;
}

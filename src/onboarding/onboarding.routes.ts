// The checklist atop the admin pages (views/partials/onboarding.ejs): its items for every
// admin page's GET, the Copy click the Widget page reports, and the dismissal. Mounted
// inside adminRoutes, behind its admin-only guard.
import { Router } from "express";
import { safeNext } from "../accounts/web-auth.js";
import type { Onboarding } from "./onboarding.service.js";

export function onboardingRoutes(onboarding: Onboarding) {
  const r = Router();
  r.get("/admin/{*rest}", async (req, res, next) => {
    res.locals.onboarding = await onboarding.forAdmin(req.agent!);
    res.locals.originalUrl = req.originalUrl; // the dismissal comes back here
    next();
  });
  // Sent by the Copy button's script (X-CSRF-Token): 204, nothing to show.
  r.post("/admin/onboarding/snippet-copied", async (_req, res) => {
    await onboarding.snippetCopied();
    res.status(204).end();
  });
  r.post("/admin/onboarding/dismiss", async (req, res) => {
    await onboarding.dismiss();
    res.redirect(303, safeNext(req.body?.next, "/admin/agents"));
  });
  return r;
}

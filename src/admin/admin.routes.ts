// Everything under /admin, for logged-in admins only (a 403 page for agents, the login
// page for nobody), plus the dashboard's JSON.
import { Router } from "express";
import type { WebAuth } from "../accounts/web-auth.js";
import type { CannedRepository } from "../canned/canned.repository.js";
import type { SettingsService } from "../settings/settings.service.js";
import type { AdminRepository } from "./admin.repository.js";
import { agentsAdminRoutes } from "./agents.routes.js";
import type { AdminAgentsService } from "./agents.service.js";
import { contentAdminRoutes } from "./content.routes.js";
import { conversationsAdminRoutes } from "./conversations.routes.js";
import type { DiagnosticsService } from "../diagnostics/diagnostics.service.js";
import type { HealthDashboard } from "./health.service.js";
import type { BusinessHours } from "../hours/hours.service.js";
import { hoursAdminRoutes } from "./hours.routes.js";
import type { ReportsRepository } from "../reports/reports.repository.js";
import { reportsAdminRoutes } from "../reports/reports.routes.js";
import type { NotesRepository } from "../notes/notes.repository.js";
import { labelsAdminRoutes } from "../labels/labels.routes.js";
import type { LabelsService } from "../labels/labels.service.js";
import { onboardingRoutes } from "../onboarding/onboarding.routes.js";
import type { Onboarding } from "../onboarding/onboarding.service.js";

export interface AdminDeps {
  auth: WebAuth;
  agents: AdminAgentsService;
  canned: CannedRepository;
  settings: SettingsService;
  repo: AdminRepository;
  health: HealthDashboard;
  /** PUBLIC_URL: the base of links in exports (they leave the page); unset, the request's. */
  publicUrl?: string;
  hours: BusinessHours;
  reports: ReportsRepository;
  /** Private notes, marked as such in transcripts and exports (src/notes). */
  notes: Pick<NotesRepository, "list">;
  /** Recent connection tests for the health page (src/diagnostics). */
  connectionTests: Pick<DiagnosticsService, "recent">;
  /** /admin/labels, and the labels the conversations page filters by (src/labels). */
  labels: LabelsService;
  /** The first-start checklist atop every admin page (src/onboarding). */
  onboarding: Onboarding;
}

export function adminRoutes(d: AdminDeps) {
  const r = Router();
  r.use("/admin", d.auth.page("admin"));
  r.get("/admin", (_req, res) => res.redirect(303, "/admin/agents"));
  r.use(onboardingRoutes(d.onboarding));
  r.use(agentsAdminRoutes(d.agents));
  r.use(contentAdminRoutes(d));
  r.use(hoursAdminRoutes(d.hours));
  r.use(conversationsAdminRoutes(d.repo, d.notes, d.publicUrl, d.labels.list));
  r.use(reportsAdminRoutes(d.reports));
  r.use(labelsAdminRoutes(d));
  r.get("/admin/health", async (_req, res) => {
    const [snapshot, tests] = await Promise.all([d.health(), d.connectionTests.recent()]);
    res.render("admin/health", { nav: "health", snapshot, tests });
  });
  r.get("/api/admin/health", d.auth.api("admin"), async (_req, res) => void res.json(await d.health()));
  return r;
}

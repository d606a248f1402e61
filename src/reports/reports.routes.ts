// /admin/reports (the page) and /admin/reports.csv (the same figures as a table). Both sit
// under /admin, so only admins reach them (admin.routes.ts: a 403 page for agents).
import { Router, type Request } from "express";
import { validation } from "../lib/errors.js";
import { parseBody } from "../lib/http.js";
import type { ReportsRepository } from "./reports.repository.js";
import { chartBars, duration, everyDay, reportCsv, reportFilter, ReportQuerySchema, type ReportFilter } from "./reports.rules.js";

function filterOf(req: Request): ReportFilter {
  try {
    return reportFilter(parseBody(ReportQuerySchema, req.query));
  } catch (err) {
    if (err instanceof RangeError) throw validation(err.message);
    throw err;
  }
}

export function reportsAdminRoutes(repo: ReportsRepository) {
  const r = Router();

  r.get("/admin/reports", async (req, res) => {
    const filter = filterOf(req);
    const [report, agents] = await Promise.all([repo.report(filter), repo.agents()]);
    const days = everyDay(filter, report.perDay);
    const csv = new URLSearchParams({ from: filter.fromDay, to: filter.toDay, ...(filter.agentId ? { agent: filter.agentId } : {}) });
    res.render("admin/reports", {
      nav: "reports", filter, report, agents, chart: chartBars(days), duration, csvHref: `/admin/reports.csv?${csv}`,
      maxRating: Math.max(1, ...report.distribution.map((d) => d.count)),
    });
  });

  r.get("/admin/reports.csv", async (req, res) => {
    const filter = filterOf(req);
    const report = await repo.report(filter);
    res.setHeader("Content-Disposition", `attachment; filename="holdfast-report-${filter.fromDay}-${filter.toDay}.csv"`);
    res.type("text/csv; charset=utf-8").send(reportCsv(report, everyDay(filter, report.perDay)));
  });

  return r;
}

// /diagnostics: the public connection test page, what it measures against (a random
// download, an upload sink), where it stores its result, and where agents read one.
// Everything a visitor can reach is rate limited per address; reading a report needs an
// agent: a visitor never reads one, not even their own (the page shows it as it runs).
import { randomBytes } from "node:crypto";
import express, { Router } from "express";
import type { WebAuth } from "../accounts/web-auth.js";
import type { Limiter } from "../limits/limiter.js";
import { parseBody } from "../lib/http.js";
import type { DiagnosticsService } from "./diagnostics.service.js";
import { BlobQuerySchema, ReportIdSchema, ReportSchema, UPLOAD_MAX_BYTES } from "./diagnostics.schemas.js";
import { rttStats, type Keepalive } from "./findings.rules.js";
import { describe, languageOf } from "./findings.text.js";

// One incompressible mebibyte, sent as many times as asked: a download test must measure
// the link, not the CPU making random bytes or a proxy's compression.
const BLOB = randomBytes(1024 * 1024);

export function diagnosticsRoutes(d: {
  auth: WebAuth; diagnostics: DiagnosticsService; perIp: Limiter; idleProbesSec: number[]; keepalive: Keepalive;
}) {
  const r = Router();
  const limit = (req: express.Request) => d.perIp.hit(req.ip ?? "?");

  r.get("/diagnostics", (req, res) => {
    res.render("diagnostics", {
      lang: languageOf(req.acceptsLanguages("zh", "en") || undefined), idleProbesSec: d.idleProbesSec,
      keepalive: d.keepalive,
    });
  });

  r.get("/api/diagnostics/blob", async (req, res) => {
    await limit(req);
    const { kb } = parseBody(BlobQuerySchema, req.query);
    res.setHeader("Content-Type", "application/octet-stream");
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Content-Length", String(kb * 1024));
    for (let left = kb * 1024; left > 0; left -= BLOB.length) res.write(BLOB.subarray(0, Math.min(left, BLOB.length)));
    res.end();
  });

  r.post("/api/diagnostics/blob", express.raw({ type: () => true, limit: UPLOAD_MAX_BYTES }), async (req, res) => {
    await limit(req);
    res.json({ bytes: Buffer.isBuffer(req.body) ? req.body.length : 0 });
  });

  r.post("/api/diagnostics", async (req, res) => {
    await limit(req);
    const input = parseBody(ReportSchema, req.body);
    const report = await d.diagnostics.create(input, { ip: req.ip, userAgent: req.headers["user-agent"] });
    res.status(201).json({ id: report.id, findings: report.findings });
  });

  const idOf = (raw: unknown) => parseBody(ReportIdSchema, String(raw ?? "").trim().toUpperCase());

  r.get("/api/diagnostics/:id", d.auth.api(), async (req, res) => {
    res.json({ report: await d.diagnostics.read(idOf(req.params.id)) });
  });

  // The agent's reading of a report, worded in the agent's language.
  r.get("/agent/diagnostics/:id", d.auth.page(), async (req, res) => {
    const report = await d.diagnostics.read(idOf(req.params.id));
    // The agent's chosen language (src/i18n puts it in res.locals), else the browser's.
    const lang = languageOf((res.locals.locale as string | undefined) ?? (req.acceptsLanguages("zh", "en") || undefined));
    res.render("diagnostics-report", {
      report, lang, stats: rttStats(report.results.rtt.samples),
      texts: report.findings.map((f) => ({ severity: f.severity, text: describe(f, lang) })),
    });
  });

  return r;
}

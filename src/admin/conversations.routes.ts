// /admin/conversations: search, transcript, export (JSON and plain text).
import { Router, type Request } from "express";
import { parseBody } from "../lib/http.js";
import type { AdminRepository } from "./admin.repository.js";
import { IdParamSchema, SearchQuerySchema } from "./admin.schemas.js";
import { originOf } from "./content.routes.js";
import { exportName, loadTranscript, timeline, transcriptText, type TranscriptNotes } from "./transcript.js";

/** The labels to filter by (src/labels). */
export type LabelChoices = () => Promise<{ id: string; name: string }[]>;

export function conversationsAdminRoutes(repo: AdminRepository, notes: TranscriptNotes, publicUrl?: string, labels: LabelChoices = async () => []) {
  const r = Router();
  const id = (req: Request) => parseBody(IdParamSchema, req.params.id);

  r.get("/admin/conversations", async (req, res) => {
    const query = parseBody(SearchQuerySchema, req.query);
    const [results, choices] = await Promise.all([repo.search(query.q, query.status, query.label), labels()]);
    res.render("admin/conversations", { nav: "conversations", query, results, labels: choices });
  });

  r.get("/admin/conversations/:id", async (req, res) => {
    const t = await loadTranscript(repo, notes, id(req));
    // `tr`, not `t`: every view has `t`, the translator (src/i18n).
    res.render("admin/transcript", { nav: "conversations", tr: t, items: timeline(t) });
  });

  r.get("/admin/conversations/:id/export.json", async (req, res) => {
    const t = await loadTranscript(repo, notes, id(req));
    res.setHeader("Content-Disposition", `attachment; filename="${exportName(t, "json")}"`);
    res.type("application/json").send(JSON.stringify(t, null, 2));
  });

  r.get("/admin/conversations/:id/export.txt", async (req, res) => {
    const t = await loadTranscript(repo, notes, id(req));
    res.setHeader("Content-Disposition", `attachment; filename="${exportName(t, "txt")}"`);
    res.type("text/plain; charset=utf-8").send(transcriptText(t, publicUrl ?? originOf(req)));
  });

  return r;
}

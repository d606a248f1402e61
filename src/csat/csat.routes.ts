// GET /api/visitor/csat: whether the visitor's latest conversation waits for a rating, so
// that the prompt (or the thank-you) survives a reload; the socket's `ready` carries only
// open conversations, and a resolved one is no longer open.
import { Router } from "express";
import type { AccountsService } from "../accounts/accounts.service.js";
import type { ConversationsRepository } from "../conversations/conversations.repository.js";
import { AppError } from "../lib/errors.js";
import { bearer } from "../lib/http.js";
import type { CsatService } from "./csat.service.js";

export function csatRoutes(d: {
  accounts: Pick<AccountsService, "visitorIdFromToken">;
  conversations: Pick<ConversationsRepository, "latestForVisitor">;
  csat: CsatService;
}) {
  const r = Router();
  r.get("/api/visitor/csat", async (req, res) => {
    const token = bearer(req);
    const visitorId = token ? d.accounts.visitorIdFromToken(token) : null;
    if (!visitorId) throw new AppError("AUTH_INVALID", "visitor bearer token required");
    const latest = await d.conversations.latestForVisitor(visitorId);
    res.json({ csat: latest ? await d.csat.viewFor(visitorId, latest.id) : null });
  });
  return r;
}

// HTTP fallback for transcripts: a visitor whose sockets cannot get through still sees
// their conversation.
import { Router } from "express";
import type { AccountsService } from "../accounts/accounts.service.js";
import { AppError } from "../lib/errors.js";
import { bearer } from "../lib/http.js";
import type { ConversationsRepository } from "./conversations.repository.js";
import type { ConversationViews } from "./conversation.views.js";
import type { MessagesRepository } from "./messages.repository.js";

export function conversationsRoutes(d: {
  accounts: Pick<AccountsService, "visitorIdFromToken">;
  views: Pick<ConversationViews, "visitorView">;
  conversations: Pick<ConversationsRepository, "activeForVisitor" | "latestForVisitor">;
  messages: Pick<MessagesRepository, "latestMessages">;
}) {
  const r = Router();
  r.get("/api/visitor/conversation", async (req, res) => {
    const token = bearer(req);
    if (!token) throw new AppError("AUTH_INVALID", "visitor bearer token required");
    const visitorId = d.accounts.visitorIdFromToken(token);
    if (!visitorId) throw new AppError("AUTH_INVALID", "invalid token");
    const row =
      (await d.conversations.activeForVisitor(visitorId)) ?? (await d.conversations.latestForVisitor(visitorId));
    if (!row) return void res.json({ conversation: null, messages: [] });
    res.json({ conversation: await d.views.visitorView(row), messages: await d.messages.latestMessages(row.id, 100) });
  });
  return r;
}

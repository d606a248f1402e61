// HTTP fallback for transcripts: a visitor whose sockets cannot get through still sees
// their conversation.
import { Router } from "express";
import type { AccountsService } from "../accounts/accounts.service.js";
import { AppError } from "../lib/errors.js";
import { bearer } from "../lib/http.js";
import type { ConversationsRepository } from "./conversations.repository.js";
import type { ConversationsService } from "./conversations.service.js";
import type { MessagesRepository } from "./messages.repository.js";

export function conversationsRoutes(
  accounts: AccountsService,
  service: ConversationsService,
  repos: { conversations: ConversationsRepository; messages: MessagesRepository },
) {
  const r = Router();
  r.get("/api/visitor/conversation", async (req, res) => {
    const token = bearer(req);
    if (!token) throw new AppError("AUTH_INVALID", "visitor bearer token required");
    const visitorId = accounts.visitorIdFromToken(token);
    if (!visitorId) throw new AppError("AUTH_INVALID", "invalid token");
    const row =
      (await repos.conversations.activeForVisitor(visitorId)) ?? (await repos.conversations.latestForVisitor(visitorId));
    if (!row) return void res.json({ conversation: null, messages: [] });
    res.json({ conversation: await service.view(row), messages: await repos.messages.latestMessages(row.id, 100) });
  });
  return r;
}

// CSAT: a visitor rates their own resolved conversation, once. Anyone else's conversation
// is NOT_FOUND (as for sync: its existence is not theirs to learn); not resolved yet, or
// already rated, is CONFLICT. Nothing is stored unless everything holds.
import type { Actor } from "../accounts/actor.js";
import { conflict, forbidden, notFound } from "../lib/errors.js";
import type { CsatRepository, CsatState } from "./csat.repository.js";

/** What the visitor page needs to know after a reload: ask, or say thank you. */
export interface CsatView {
  conversationId: string;
  asked: boolean;
  rating: number | null;
  comment: string | null;
}
export const csatView = (s: CsatState): CsatView => ({
  conversationId: s.conversationId, asked: s.status === "resolved", rating: s.rating, comment: s.comment,
});

export function createCsatService(repo: CsatRepository) {
  async function submit(actor: Actor, p: { conversationId: string; rating: number; comment?: string }) {
    if (actor.type !== "visitor") throw forbidden("only the visitor rates a conversation");
    const comment = p.comment?.trim() ? p.comment.trim() : null;
    const stored = await repo.rate(p.conversationId, actor.id, p.rating, comment);
    if (stored) return { csat: csatView(stored) };
    // Nothing written: say why.
    const s = await repo.state(p.conversationId);
    if (!s || s.visitorId !== actor.id) throw notFound("conversation not found");
    if (s.rating !== null) throw conflict("this conversation is already rated");
    throw conflict("the conversation is not resolved yet");
  }

  /** The visitor's view of one of their conversations (null: not theirs). */
  async function viewFor(visitorId: string, conversationId: string): Promise<CsatView | null> {
    const s = await repo.state(conversationId);
    return s && s.visitorId === visitorId ? csatView(s) : null;
  }

  return { submit, viewFor };
}
export type CsatService = ReturnType<typeof createCsatService>;

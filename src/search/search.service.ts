// The console search: conversations the agent may read (an admin: all) whose visitor's
// name or e-mail, or whose messages, hold the query's words. Each hit is a conversation
// view (the console opens it as it opens the panel's history) with the matching message's
// excerpt and seq, or none for a name / e-mail match.
import type { AgentRow } from "../accounts/accounts.repository.js";
import type { ConversationViews } from "../conversations/conversation.views.js";
import type { ConversationsRepository } from "../conversations/conversations.repository.js";
import type { Conversation } from "../events.js";
import type { SearchRepository } from "./search.repository.js";
import { excerpt, highlights, parseQuery } from "./search.rules.js";

/** Rows each part answers: a page of results, not an export. */
export const MESSAGE_HITS = 30;
export const VISITOR_HITS = 10;

export interface SearchHit {
  conversation: Conversation;
  /** Why it matched: the visitor (name or e-mail), or a message. */
  match: "visitor" | "message";
  /** The matching message (match "message"); null for a visitor match. */
  message: { seq: number; excerpt: string; highlights: [number, number][]; createdAt: string } | null;
  at: string;
}

export function createSearchService(d: {
  repo: SearchRepository;
  conversations: Pick<ConversationsRepository, "byIds">;
  views: Pick<ConversationViews, "views">;
}) {
  return {
    async search(me: AgentRow, q: string): Promise<{ results: SearchHit[]; messagesSearched: boolean }> {
      const { words, visitor, terms } = parseQuery(q);
      const agentId = me.role === "admin" ? null : me.id;
      const [visitorRows, messageRows] = await Promise.all([
        d.repo.visitors(visitor, agentId, VISITOR_HITS),
        terms.length ? d.repo.messages(terms, agentId, MESSAGE_HITS) : Promise.resolve([]),
      ]);
      const ids = [...new Set([...visitorRows, ...messageRows].map((r) => r.conversation_id))];
      const views = new Map((await d.views.views(await d.conversations.byIds(ids))).map((v) => [v.id, v]));
      const results: SearchHit[] = [];
      for (const r of visitorRows) {
        const conversation = views.get(r.conversation_id);
        if (conversation) results.push({ conversation, match: "visitor", message: null, at: r.created_at });
      }
      for (const r of messageRows) {
        const conversation = views.get(r.conversation_id);
        if (!conversation) continue;
        const text = excerpt(r.body, words);
        results.push({
          conversation, match: "message", at: r.created_at,
          message: { seq: Number(r.seq), excerpt: text, highlights: highlights(text, words), createdAt: r.created_at },
        });
      }
      return { results, messagesSearched: terms.length > 0 };
    },
  };
}
export type SearchService = ReturnType<typeof createSearchService>;

// A conversation as the contract shows it (PROTOCOL.md `Conversation`): the stored row
// plus the visitor's presence now. Shared by messaging, assignment, the console and the
// presence reactions, so none of them needs another's service to describe a conversation.
import type { Conversation, Label, Presence } from "../events.js";
import { isUnavailable } from "../lib/unavailable.js";
import type { PresenceStore } from "../presence/presence.types.js";
import type { ConversationRow } from "./conversations.repository.js";

export function toConversation(r: ConversationRow, presence: Presence): Conversation {
  return {
    id: r.id,
    status: r.status as Conversation["status"],
    visitor: { id: r.visitor_id, name: r.visitor_name ?? "Visitor", presence },
    agent: r.agent_id ? { id: r.agent_id, name: r.agent_name ?? "Agent" } : null,
    lastSeq: Number(r.last_seq),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    snooze: r.snoozed_at ? { until: r.snooze_until ? new Date(r.snooze_until).toISOString() : null } : null,
  };
}

/** The labels of conversations (src/labels), one grouped read for a whole list. */
export type LabelsOf = (conversationIds: string[]) => Promise<Map<string, Label[]>>;

export function createConversationViews(presence: Pick<PresenceStore, "presenceMany">, labelsOf?: LabelsOf) {
  /** Many rows with one presence read. While the presence store cannot be reached (Redis
   *  down) nobody can be confirmed online: the conversations are shown, as "offline". */
  async function visitorViews(rows: ConversationRow[]): Promise<Conversation[]> {
    const ps = await presence
      .presenceMany(rows.map((r) => ({ type: "visitor" as const, id: r.visitor_id })))
      .catch((err: unknown): Presence[] => {
        if (!isUnavailable(err)) throw err;
        return rows.map(() => "offline");
      });
    return rows.map((r, i) => toConversation(r, ps[i]));
  }
  /** What agents see: with the labels (which a visitor never sees). */
  async function views(rows: ConversationRow[]): Promise<Conversation[]> {
    const [list, labels] = await Promise.all([visitorViews(rows), rows.length && labelsOf ? labelsOf(rows.map((r) => r.id)) : null]);
    return labels ? list.map((c) => ({ ...c, labels: labels.get(c.id) ?? [] })) : list;
  }
  return {
    views,
    view: async (r: ConversationRow) => (await views([r]))[0],
    /** For the visitor's own side (`ready`, the HTTP fallback): no labels. */
    visitorView: async (r: ConversationRow) => (await visitorViews([r]))[0],
  };
}
export type ConversationViews = ReturnType<typeof createConversationViews>;

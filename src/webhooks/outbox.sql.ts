// The outbox rows of conversation events, as one more step of the statement that causes
// them (an INSERT or UPDATE ... RETURNING in a WITH): the event and its cause commit
// together or not at all, so a crash between the write and the delivery loses nothing.
// A webhook subscribes in the statement itself (the join), so no cache is consulted and
// no row is written when no webhook wants the event: the join of an empty table.
import type { EventType } from "./webhooks.rules.js";

export type ConversationEventType = Exclude<EventType, "message.created">;

/**
 * An INSERT of one event per row of `source` (a CTE returning the conversation's id,
 * visitor_id, agent_id and status) per active webhook subscribed to `type`. `where`:
 * an extra condition on `s`, the source row (a status change that is not this event).
 */
export function conversationEvents(type: ConversationEventType, source: string, where = "TRUE"): string {
  return `INSERT INTO webhook_event (id, webhook_id, conversation_id, type, payload)
    SELECT gen_random_uuid()::text, w.id, s.id, '${type}', json_build_object('conversation', json_build_object(
      'id', s.id, 'visitorId', s.visitor_id, 'agentId', s.agent_id, 'status', s.status))
    FROM ${source} s JOIN webhook w ON w.active AND '${type}' = ANY(w.events)
    WHERE ${where} ORDER BY s.id, w.id`;
}

/** The same for the message write path (conversations/batch-write.sql.ts): one event per
 *  new message of a conversation the statement took, in seq order. $2/$3 the messages'
 *  conversations and seqs, $11 their time, `payloads` the parameter of their JSON. */
export const messageEvents = (payloads: number) => `INSERT INTO webhook_event (id, webhook_id, conversation_id, type, payload, created_at)
    SELECT gen_random_uuid()::text, w.id, u.conversation_id, 'message.created', u.payload::json, $11::timestamptz
    FROM unnest($2::text[], $3::int[], $${payloads}::text[]) AS u(conversation_id, seq, payload)
    JOIN webhook w ON w.active AND 'message.created' = ANY(w.events)
    WHERE u.conversation_id IN (SELECT id FROM upd) ORDER BY u.conversation_id, u.seq, w.id`;

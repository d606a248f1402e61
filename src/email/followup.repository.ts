// The sweeps' SQL. Each claims its work with one statement on email_followup that two
// nodes cannot both win (an upsert whose WHERE re-checks the row it conflicts with), and
// reads what the email needs in the same transaction, which also inserts the outbox rows:
// a crash leaves either both or neither.
import type { TxQuery } from "../lib/db.js";
import { EMAILABLE_TYPES } from "./email.rules.js";

const TYPES = EMAILABLE_TYPES.map((t) => `'${t}'`).join(", ");

export interface FollowupMessage {
  conversation_id: string; visitor_id: string; email: string; visitor_name: string | null; language: string | null; timezone: string | null;
  seq: number; sender_name: string; type: string; body: string; created_at: Date;
}

/** Conversations whose oldest agent message the visitor has neither read nor been emailed
 *  is older than `afterMs`: moves their `emailed_seq` to the last such message and answers
 *  those messages, in order. `prev_seq` = the old `emailed_seq`, so a node whose view is
 *  stale (another node just emailed some of them) updates nothing and sends nothing. */
export async function claimDueFollowups(q: TxQuery, afterMs: number, limit: number): Promise<FollowupMessage[]> {
  const claimed = await q<{ conversation_id: string }>(
    `WITH due AS (
       SELECT c.id, COALESCE(f.emailed_seq, 0) AS prev_seq, max(m.seq) AS up_to
         FROM conversation c
         JOIN visitor v ON v.id = c.visitor_id
         LEFT JOIN email_followup f ON f.conversation_id = c.id
         JOIN message m ON m.conversation_id = c.id AND m.sender_type = 'agent' AND m.type IN (${TYPES})
                       AND m.seq > GREATEST(c.visitor_read_seq, COALESCE(f.emailed_seq, 0))
        WHERE c.last_seq > c.visitor_read_seq AND c.last_seq > COALESCE(f.emailed_seq, 0)
          AND v.email IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM email_unsubscribe u WHERE u.visitor_id = v.id)
        GROUP BY c.id, f.emailed_seq
       HAVING min(m.created_at) <= now() - $1::int * interval '1 millisecond'
        LIMIT $2)
     INSERT INTO email_followup (conversation_id, emailed_seq, prev_seq)
     SELECT id, up_to, prev_seq FROM due
     ON CONFLICT (conversation_id) DO UPDATE SET emailed_seq = EXCLUDED.emailed_seq, prev_seq = EXCLUDED.prev_seq
       WHERE email_followup.emailed_seq = EXCLUDED.prev_seq
     RETURNING conversation_id`,
    [afterMs, limit],
  );
  if (!claimed.length) return [];
  return q<FollowupMessage>(
    `SELECT c.id AS conversation_id, v.id AS visitor_id, v.email, v.name AS visitor_name, v.meta->>'language' AS language, v.meta->>'timezone' AS timezone,
            m.seq, m.sender_name, m.type, m.body, m.created_at
       FROM email_followup f
       JOIN conversation c ON c.id = f.conversation_id
       JOIN visitor v ON v.id = c.visitor_id
       JOIN message m ON m.conversation_id = c.id AND m.sender_type = 'agent' AND m.type IN (${TYPES})
                     AND m.seq > GREATEST(f.prev_seq, c.visitor_read_seq) AND m.seq <= f.emailed_seq
      WHERE f.conversation_id = ANY($1::text[])
      ORDER BY c.id, m.seq`,
    [claimed.map((c) => c.conversation_id)],
  );
}

export interface WaitingConversation {
  id: string; visitor_name: string | null; visitor_email: string | null; first_message: string | null; created_at: Date;
}

/** Waiting conversations of the last day that opted-in agents were not told about yet:
 *  marks them told and answers them (the caller checked that nobody is online). */
export async function claimWaitingNotices(q: TxQuery, limit: number): Promise<WaitingConversation[]> {
  return q<WaitingConversation>(
    `WITH due AS (
       SELECT c.id FROM conversation c
         LEFT JOIN email_followup f ON f.conversation_id = c.id
        -- last_seq > 0: its first message is stored (a conversation is created just
        -- before it; a notice claimed in between went out without the message, once).
        WHERE c.status = 'waiting' AND c.last_seq > 0 AND f.agents_notified_at IS NULL AND c.created_at > now() - interval '1 day'
        ORDER BY c.created_at LIMIT $1),
     told AS (
       INSERT INTO email_followup (conversation_id, agents_notified_at) SELECT id, now() FROM due
       ON CONFLICT (conversation_id) DO UPDATE SET agents_notified_at = EXCLUDED.agents_notified_at
         WHERE email_followup.agents_notified_at IS NULL
       RETURNING conversation_id)
     SELECT c.id, v.name AS visitor_name, v.email AS visitor_email, c.created_at,
            (SELECT m.body FROM message m WHERE m.conversation_id = c.id AND m.sender_type = 'visitor' ORDER BY m.seq LIMIT 1) AS first_message
       FROM told JOIN conversation c ON c.id = told.conversation_id JOIN visitor v ON v.id = c.visitor_id
      ORDER BY c.created_at`,
    [limit],
  );
}

/** Active agents who asked for these emails. */
export const optedInAgents = (q: TxQuery) =>
  q<{ id: string; email: string; name: string }>(`SELECT id, email, name FROM agent WHERE notify_email AND active ORDER BY email`);

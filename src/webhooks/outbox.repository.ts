// The webhook outbox (table webhook_event) and its log (webhook_attempt), claimed by the
// delivery worker of any node as the email outbox is (src/email/outbox.repository.ts):
// FOR UPDATE SKIP LOCKED hands each row to one node, and a lease (lease_until) gives the
// rows back if that node died before it said how the delivery went.
//
// Order per conversation: only a conversation's head may be claimed, the event of a
// webhook and conversation with no earlier one still pending or being sent. With it
// come the events behind it (up to `run`): the node that holds the head holds the whole
// run, as no other node can claim any of it while an earlier event is being sent. Two
// nodes claiming at once cannot both take a head of one conversation (the row lock), nor
// one take the event behind another's head (that one is still pending in its snapshot).
import type { Database } from "../lib/db.js";

export interface ClaimedEvent {
  id: string; webhookId: string; conversationId: string; position: number; type: string; data: unknown;
  createdAt: Date; retryFrom: Date; attempts: number; url: string; secret: string;
}

export interface AttemptResult {
  status: number | null;
  bodyExcerpt: string | null;
  error: string | null;
  durationMs: number;
}

// Each conversation's first undelivered event (per webhook) comes from the partial index
// on (webhook, conversation, position) of the events still to do: one short read per
// conversation, whatever the history delivered before it.
const CLAIM = `WITH firsts AS (
    SELECT DISTINCT ON (webhook_id, conversation_id) id, state, next_attempt_at, lease_until FROM webhook_event
    WHERE state IN ('pending', 'sending') ORDER BY webhook_id, conversation_id, position),
  heads AS (
    SELECT e.id, e.webhook_id, e.conversation_id, e.position FROM webhook_event e
    WHERE e.id IN (SELECT id FROM firsts WHERE (state = 'pending' AND next_attempt_at <= now()) OR (state = 'sending' AND lease_until < now()))
      AND ((e.state = 'pending' AND e.next_attempt_at <= now()) OR (e.state = 'sending' AND e.lease_until < now()))
    ORDER BY e.position LIMIT $1 FOR UPDATE SKIP LOCKED),
  run AS (
    SELECT f.id FROM heads h CROSS JOIN LATERAL (SELECT x.id FROM webhook_event x
      WHERE x.webhook_id = h.webhook_id AND x.conversation_id = h.conversation_id AND x.position > h.position
        AND x.state IN ('pending', 'sending') ORDER BY x.position LIMIT $2) f),
  claimed AS (
    UPDATE webhook_event SET state = 'sending', lease_until = now() + $3::int * interval '1 millisecond'
    WHERE id IN (SELECT id FROM heads UNION ALL SELECT id FROM run)
    RETURNING id, webhook_id, conversation_id, position, type, payload, created_at, retry_from, attempts)
  SELECT c.id, c.webhook_id, c.conversation_id, c.position::float8 AS position, c.type, c.payload, c.created_at, c.retry_from,
    c.attempts, w.url, w.secret FROM claimed c JOIN webhook w ON w.id = c.webhook_id
  ORDER BY c.position`;

type ClaimRow = {
  id: string; webhook_id: string; conversation_id: string; position: number; type: string; payload: unknown;
  created_at: Date; retry_from: Date; attempts: number; url: string; secret: string;
};

/** Attempts' log rows and their events' new states, many in one statement: $1 events;
 *  $2-$5 the attempts; $6 states; $7 next attempts (ms from now). An event deleted
 *  meanwhile (its webhook was) is skipped rather than failing the others' outcomes. */
const RECORD = `WITH r AS (SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::int[], $6::text[], $7::int[])
      WITH ORDINALITY AS r(id, status, excerpt, error, ms, state, retry_ms, ord)),
    a AS (INSERT INTO webhook_attempt (event_id, status, body_excerpt, error, duration_ms)
      SELECT id, status, excerpt, error, ms FROM r WHERE EXISTS (SELECT 1 FROM webhook_event x WHERE x.id = r.id) ORDER BY ord)
  UPDATE webhook_event e SET state = r.state, attempts = e.attempts + 1, lease_until = NULL,
    next_attempt_at = now() + r.retry_ms * interval '1 millisecond', last_status = r.status, last_body_excerpt = r.excerpt,
    last_error = r.error, delivered_at = CASE WHEN r.state = 'delivered' THEN now() ELSE e.delivered_at END
  FROM r WHERE e.id = r.id`;

/** An attempt's outcome as recorded: the event delivered, retried after `retryInMs`, or failed. */
export interface Outcome extends AttemptResult {
  id: string;
  state: "delivered" | "pending" | "failed";
  retryInMs: number;
}

export function createWebhookOutbox(db: Database) {
  return {
    /** Up to `heads` conversations' next events, each with up to `run` events behind it,
     *  leased for `leaseMs`; in position order. */
    claim: async (heads: number, run: number, leaseMs: number): Promise<ClaimedEvent[]> =>
      (await db.query<ClaimRow>(CLAIM, [heads, run, leaseMs])).map((r) => ({
        id: r.id, webhookId: r.webhook_id, conversationId: r.conversation_id, position: Number(r.position), type: r.type,
        data: r.payload, createdAt: r.created_at, retryFrom: r.retry_from, attempts: r.attempts, url: r.url, secret: r.secret,
      })),

    /** Attempts logged with their events' new states, in one statement. */
    record: (o: Outcome[]) =>
      db.query(RECORD, [o.map((x) => x.id), o.map((x) => x.status), o.map((x) => x.bodyExcerpt), o.map((x) => x.error),
        o.map((x) => Math.round(x.durationMs)), o.map((x) => x.state), o.map((x) => Math.round(x.retryInMs))]),

    /** Claimed events that were not attempted (an earlier one failed, or the node stops):
     *  back to pending, behind the earlier one. */
    release: (ids: string[]) =>
      ids.length ? db.query(`UPDATE webhook_event SET state = 'pending', lease_until = NULL WHERE id = ANY($1::text[]) AND state = 'sending'`, [ids]) : Promise.resolve([]),

    /** The admin's redeliver: the event is due now, with a new 24-hour window. */
    redeliver: async (id: string) =>
      (await db.query(`UPDATE webhook_event SET state = 'pending', next_attempt_at = now(), retry_from = now(), lease_until = NULL
        WHERE id = $1 AND state IN ('delivered', 'failed', 'pending') RETURNING id`, [id])).length > 0,
  };
}
export type WebhookOutbox = ReturnType<typeof createWebhookOutbox>;

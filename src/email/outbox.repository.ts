// The durable email outbox (table email_outbox). Rows are inserted by the sweeps (inside
// the transaction that decides an email is due) and claimed by the worker of any node:
// FOR UPDATE SKIP LOCKED hands each row to one node, and `locked_until` gives a row back
// if the node that claimed it died before it could say how the delivery went.
import { randomUUID } from "node:crypto";
import type { Database, TxQuery } from "../lib/db.js";
import type { OutgoingEmail } from "./mail.transport.js";

export type EmailKind = "visitor_followup" | "agent_waiting";

export interface ClaimedEmail extends OutgoingEmail {
  id: string;
  attempts: number;
}

export interface DeliveryRow {
  id: string; kind: string; to_address: string; subject: string; status: string; attempts: number;
  last_error: string | null; created_at: Date; sent_at: Date | null; next_attempt_at: Date;
}

/** Inserts emails in one statement, inside the caller's transaction. */
export async function enqueueEmails(q: TxQuery, kind: EmailKind, mails: OutgoingEmail[]): Promise<void> {
  if (!mails.length) return;
  const params: unknown[] = [];
  const rows = mails.map((m) => {
    const at = params.push(randomUUID(), kind, m.to, m.subject, m.text, m.html, JSON.stringify(m.headers ?? {}));
    const p = (i: number) => `$${at - 6 + i}`;
    return `(${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}::jsonb)`;
  });
  await q(`INSERT INTO email_outbox (id, kind, to_address, subject, text, html, headers) VALUES ${rows.join(", ")}`, params);
}

export function createOutboxRepository(db: Database) {
  const one = <T>(sql: string, params: unknown[]) => db.transaction((q) => q<T>(sql, params));
  return {
    /** Up to `limit` due rows for this node, each marked as being sent until `lockMs` from now. */
    claim: (limit: number, lockMs: number) =>
      one<{ id: string; to_address: string; subject: string; text: string; html: string; headers: Record<string, string>; attempts: number }>(
        `UPDATE email_outbox SET status = 'sending', attempts = attempts + 1, locked_until = now() + $2::int * interval '1 millisecond'
          WHERE id IN (SELECT id FROM email_outbox
                        WHERE (status = 'pending' AND next_attempt_at <= now()) OR (status = 'sending' AND locked_until < now())
                        ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING id, to_address, subject, text, html, headers, attempts`,
        [limit, lockMs],
      ).then((rows): ClaimedEmail[] =>
        rows.map((r) => ({ id: r.id, to: r.to_address, subject: r.subject, text: r.text, html: r.html, headers: r.headers, attempts: r.attempts }))),

    sent: (id: string) =>
      one(`UPDATE email_outbox SET status = 'sent', sent_at = now(), locked_until = NULL, last_error = NULL WHERE id = $1`, [id]),

    /** A failed attempt: again after `retryMs`, or given up once `attempts` reached `maxAttempts`. */
    failed: (id: string, error: string, retryMs: number, maxAttempts: number) =>
      one(
        `UPDATE email_outbox SET status = CASE WHEN attempts >= $4 THEN 'failed' ELSE 'pending' END,
                next_attempt_at = now() + $3::int * interval '1 millisecond', locked_until = NULL, last_error = $2
          WHERE id = $1`,
        [id, error, retryMs, maxAttempts],
      ),

    /** The admin page: the latest deliveries and a count per status. */
    recent: (limit: number) =>
      one<DeliveryRow>(
        `SELECT id, kind, to_address, subject, status, attempts, last_error, created_at, sent_at, next_attempt_at
           FROM email_outbox ORDER BY created_at DESC, id LIMIT $1`,
        [limit],
      ),
    counts: () =>
      one<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM email_outbox GROUP BY status`, []),
  };
}
export type OutboxRepository = ReturnType<typeof createOutboxRepository>;

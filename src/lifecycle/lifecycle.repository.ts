// The lifecycle's writes, each one conditional statement, so that several nodes sweeping
// at once, or a sweep racing an agent, never both act on one conversation: an UPDATE takes
// the row lock and re-checks its condition on the row as committed, and the loser's
// condition no longer holds.
import type { Database } from "../lib/db.js";
import { conversationEvents } from "../webhooks/outbox.sql.js";

// Open, not snoozed, untouched (no message, no change: updated_at) since the cutoff, and
// the last message that is not a system line is an agent's. Rows being written (the
// message writer holds their lock) are skipped, not waited for: they are not silent.
// The last-message probe walks the (conversation_id, seq) index backwards.
// In no order: every match is past the cutoff, so any `limit` of them will do, and the
// scan of the open conversations (their partial index) stops at the `limit`-th match; the
// next sweep takes the rest. Ordered by updated_at (not indexed, so that message writes
// stay HOT) it probed and sorted every idle open conversation each sweep: with 10,000
// open, 12,239 buffers for 100 rows instead of 709 (bench/explain-sweep.ts). created_at
// order was no better: the planner still sorted, the probe's selectivity being unknown.
// Picked in a MATERIALIZED CTE, run once: as `IN (subquery)` the planner may rescan the
// subquery per outer row (a semi join), each rescan skipping the rows this very statement
// had already updated, so one sweep resolved every match whatever its limit (36 of limit 10).
// The webhook event (conversation.resolved) is written in the same statement (src/webhooks).
export const RESOLVE_IDLE = `WITH picked AS MATERIALIZED (
    SELECT o.id FROM conversation o
    WHERE o.status = 'open' AND o.snoozed_at IS NULL AND o.updated_at < now() - $1::float8 * interval '1 millisecond'
      AND (SELECT m.sender_type FROM message m WHERE m.conversation_id = o.id AND m.type <> 'system'
           ORDER BY m.seq DESC LIMIT 1) = 'agent'
    LIMIT $2::int
    FOR UPDATE SKIP LOCKED),
  r AS (UPDATE conversation c SET status = 'resolved', resolved_at = now(), updated_at = now()
  FROM picked WHERE c.id = picked.id AND c.status = 'open'
  RETURNING c.id, c.visitor_id, c.agent_id, c.status),
  e AS (${conversationEvents("conversation.resolved", "r")})
  SELECT id FROM r`;

// A snooze that ends resets updated_at: the auto-resolve clock starts again from there,
// so a conversation back from a long snooze is not resolved before anyone sees it.
const WAKE_DUE = `UPDATE conversation SET snoozed_at = NULL, snooze_until = NULL, updated_at = now()
  WHERE snoozed_at IS NOT NULL AND snooze_until <= now() RETURNING id`;

export function createLifecycleRepository(db: Pick<Database, "prisma">) {
  const { prisma } = db;
  const ids = async (sql: string, ...params: unknown[]) =>
    (await prisma.$queryRawUnsafe<{ id: string }[]>(sql, ...params)).map((r) => r.id);

  return {
    /** The visitor's waiting or open conversation is marked left; its id, if it was not yet. */
    async markLeft(visitorId: string): Promise<string | null> {
      const [id] = await ids(`UPDATE conversation SET visitor_left_at = now()
        WHERE visitor_id = $1 AND status IN ('waiting', 'open') AND visitor_left_at IS NULL RETURNING id`, visitorId);
      return id ?? null;
    },
    /** The visitor is back: their conversation counts in the agent's load again. */
    async markReturned(visitorId: string): Promise<string | null> {
      const [id] = await ids(`UPDATE conversation SET visitor_left_at = NULL
        WHERE visitor_id = $1 AND status IN ('waiting', 'open') AND visitor_left_at IS NOT NULL RETURNING id`, visitorId);
      return id ?? null;
    },
    /** Snoozes an open conversation still with `agentId` (`until` null: until the visitor
     *  writes). Whether it held. */
    async snooze(id: string, agentId: string | null, until: Date | null): Promise<boolean> {
      const n = await prisma.$executeRawUnsafe(
        `UPDATE conversation SET snoozed_at = now(), snooze_until = $3::timestamptz, updated_at = now()
         WHERE id = $1 AND status = 'open' AND agent_id IS NOT DISTINCT FROM $2`,
        id, agentId, until?.toISOString() ?? null,
      );
      return n > 0;
    },
    /** Ends a snooze now; whether there was one. */
    async unsnooze(id: string): Promise<boolean> {
      return (await ids(`UPDATE conversation SET snoozed_at = NULL, snooze_until = NULL, updated_at = now()
        WHERE id = $1 AND snoozed_at IS NOT NULL RETURNING id`, id)).length > 0;
    },
    /** Ends every snooze whose time has come; their ids. */
    wakeDue: () => ids(WAKE_DUE),
    /** Resolves up to `limit` conversations silent for `afterMs` after an agent's message. */
    resolveIdle: (afterMs: number, limit: number) => ids(RESOLVE_IDLE, afterMs, limit),
  };
}
export type LifecycleRepository = ReturnType<typeof createLifecycleRepository>;

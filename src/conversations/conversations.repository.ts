// Conversation rows. The database is the truth for status and assignment: every change
// of owner is a conditional UPDATE, so two agents or two nodes can never both win.
import { randomUUID } from "node:crypto";
import { conversationEvents } from "../webhooks/outbox.sql.js";
import type { Database } from "../lib/db.js";

export interface ConversationRow {
  id: string;
  status: string;
  visitor_id: string;
  visitor_name: string | null;
  agent_id: string | null;
  agent_name: string | null;
  last_seq: number;
  visitor_read_seq: number;
  agent_read_seq: number;
  created_at: Date | string;
  updated_at: Date | string;
  /** When the current agent got it; null while waiting (and for rows older than the column). */
  assigned_at: Date | string | null;
  /** Set while the visitor has `left` (their conversation is then not in the agent's load). */
  visitor_left_at: Date | string | null;
  /** Set while snoozed; `snooze_until` null: until the visitor's next message. */
  snoozed_at: Date | string | null;
  snooze_until: Date | string | null;
}

/** A ConversationRow's columns, from `conversation c`, `visitor v` and `agent a`. */
export const CONVERSATION_COLUMNS = `c.id, c.status, c.visitor_id, v.name AS visitor_name, c.agent_id, a.name AS agent_name,
  c.last_seq, c.visitor_read_seq, c.agent_read_seq, c.created_at, c.updated_at, c.assigned_at,
  c.visitor_left_at, c.snoozed_at, c.snooze_until`;
const SELECT = `SELECT ${CONVERSATION_COLUMNS}
  FROM conversation c JOIN visitor v ON v.id = c.visitor_id LEFT JOIN agent a ON a.id = c.agent_id`;

// A conversation whose visitor has left is not load (PROTOCOL.md section 4): it stays the
// agent's, but does not keep the next visitor from them.
const OPEN_LOADS = `SELECT agent_id, count(*)::int AS n FROM conversation
  WHERE status = 'open' AND visitor_left_at IS NULL AND agent_id = ANY($1::text[]) GROUP BY agent_id`;

export function createConversationsRepository(db: Pick<Database, "prisma" | "transaction">) {
  const { prisma } = db;
  const one = async (where: string, ...params: unknown[]) =>
    (await prisma.$queryRawUnsafe<ConversationRow[]>(`${SELECT} WHERE ${where}`, ...params))[0] ?? null;
  const many = (where: string, ...params: unknown[]) =>
    prisma.$queryRawUnsafe<ConversationRow[]>(`${SELECT} WHERE ${where}`, ...params);

  return {
    byId: (id: string) => one("c.id = $1", id),
    byIds: (ids: string[]) => (ids.length ? many("c.id = ANY($1::text[])", ids) : Promise.resolve([])),
    activeForVisitor: (visitorId: string) =>
      one("c.visitor_id = $1 AND c.status IN ('waiting', 'open')", visitorId),
    latestForVisitor: (visitorId: string) =>
      one("c.visitor_id = $1 ORDER BY c.created_at DESC LIMIT 1", visitorId),
    /** A visitor's conversations, newest first (the console panel's history). */
    forVisitor: (visitorId: string, limit = 20) => many("c.visitor_id = $1 ORDER BY c.created_at DESC LIMIT $2::int", visitorId, limit),
    forAgent: (agentId: string) =>
      many("c.agent_id = $1 AND c.status = 'open' ORDER BY c.updated_at DESC", agentId),
    waiting: (limit = 100) => many("c.status = 'waiting' ORDER BY c.created_at LIMIT $1::int", limit),
    /** The oldest waiting conversations' ids (the queue's page: the index alone answers). */
    async waitingIds(limit: number): Promise<string[]> {
      const rows = await prisma.$queryRawUnsafe<{ id: string }[]>(
        "SELECT id FROM conversation WHERE status = 'waiting' ORDER BY created_at LIMIT $1::int", limit);
      return rows.map((r) => r.id);
    },
    /** Every waiting or open conversation (the admins' "All" list), newest activity first. */
    active: (limit = 300) => many("c.status IN ('waiting', 'open') ORDER BY c.updated_at DESC LIMIT $1::int", limit),

    /** An agent's load: open conversations per agent, for the given agents (absent = 0).
     *  The one definition of load, for assignment, the console and the admin pages. */
    async openLoads(agentIds: string[]): Promise<Map<string, number>> {
      if (!agentIds.length) return new Map();
      const rows = await prisma.$queryRawUnsafe<{ agent_id: string; n: number }[]>(OPEN_LOADS, agentIds);
      return new Map(rows.map((r) => [r.agent_id, Number(r.n)]));
    },

    /** Returns the visitor's active conversation, creating it if there is none. Two
     * racing creators are reconciled by the partial unique index: the loser re-reads. */
    async ensureActive(visitorId: string): Promise<{ row: ConversationRow; created: boolean }> {
      const existing = await this.activeForVisitor(visitorId);
      if (existing) return { row: existing, created: false };
      // The webhook event (conversation.created) in the same statement (src/webhooks).
      const [{ inserted }] = await prisma.$queryRawUnsafe<{ inserted: number }[]>(
        `WITH c AS (INSERT INTO conversation (id, visitor_id, status) VALUES ($1, $2, 'waiting')
           ON CONFLICT (visitor_id) WHERE status IN ('waiting', 'open') DO NOTHING
           RETURNING id, visitor_id, agent_id, status),
         e AS (${conversationEvents("conversation.created", "c")})
         SELECT count(*)::int AS inserted FROM c`,
        randomUUID(),
        visitorId,
      );
      const row = await this.activeForVisitor(visitorId);
      if (!row) throw new Error("conversation vanished after insert");
      return { row, created: inserted > 0 };
    },

    /** Assigns if the conversation is still in `fromStatus` with `fromAgent` and the agent
     * is below capacity. The agent row lock makes the capacity check exact. On the raw
     * driver's transaction, as the write path: one that fails on a stalled link discards
     * its connection, where Prisma's interactive transaction gave it back to the pool
     * with its query still outstanding (test/faults/pool.test.ts). */
    async assign(id: string, agentId: string, from: { status: string; agentId: string | null }, enforceCapacity = true): Promise<boolean> {
      return db.transaction(async (q) => {
        const agent = await q<{ max_concurrent: number; active: boolean }>(
          "SELECT max_concurrent, active FROM agent WHERE id = $1 FOR UPDATE",
          [agentId],
        );
        if (!agent[0]?.active) return false;
        const load = await q<{ n: number }>(OPEN_LOADS, [[agentId]]);
        // Capacity binds automatic assignment; an agent may claim or be handed more.
        // assigned_at is the moment of the write, not of the transaction's start (now()),
        // which may precede a wait for the lock: the agent's traffic is compared with it.
        if (enforceCapacity && Number(load[0]?.n ?? 0) >= agent[0].max_concurrent) return false;
        const moved = await q(
          `WITH m AS (UPDATE conversation SET agent_id = $1, status = 'open', updated_at = now(), assigned_at = clock_timestamp(),
             snoozed_at = NULL, snooze_until = NULL
           WHERE id = $2 AND status = $3 AND agent_id IS NOT DISTINCT FROM $4 RETURNING id, visitor_id, agent_id, status),
           e AS (${conversationEvents("conversation.assigned", "m")})
           SELECT id FROM m`,
          [agentId, id, from.status, from.agentId],
        );
        if (moved.length) await q("UPDATE agent SET last_assigned_at = now() WHERE id = $1", [agentId]);
        return moved.length > 0;
      });
    },

    /** Conditional status change (resolve, requeue). */
    async setStatus(id: string, to: "waiting" | "resolved", from: { agentId?: string | null }): Promise<boolean> {
      const [{ n }] = await prisma.$queryRawUnsafe<{ n: number }[]>(
        `WITH s AS (UPDATE conversation SET status = $2, updated_at = now(),
           agent_id = CASE WHEN $2 = 'waiting' THEN NULL ELSE agent_id END,
           assigned_at = CASE WHEN $2 = 'waiting' THEN NULL ELSE assigned_at END,
           resolved_at = CASE WHEN $2 = 'resolved' THEN now() ELSE resolved_at END,
           snoozed_at = NULL, snooze_until = NULL
         WHERE id = $1 AND status <> 'resolved' ${from.agentId !== undefined ? "AND agent_id IS NOT DISTINCT FROM $3" : ""}
         RETURNING id, visitor_id, agent_id, status),
         e AS (${conversationEvents("conversation.resolved", "s", "s.status = 'resolved'")})
         SELECT count(*)::int AS n FROM s`,
        id, to, ...(from.agentId !== undefined ? [from.agentId] : []),
      );
      return n > 0;
    },

    async markRead(id: string, who: "visitor" | "agent", upToSeq: number): Promise<number | null> {
      const col = who === "visitor" ? "visitor_read_seq" : "agent_read_seq";
      const rows = await prisma.$queryRawUnsafe<{ seq: number }[]>(
        `UPDATE conversation SET ${col} = LEAST($2::int, last_seq) WHERE id = $1 AND ${col} < LEAST($2::int, last_seq)
         RETURNING ${col} AS seq`,
        id, upToSeq,
      );
      return rows[0] ? Number(rows[0].seq) : null;
    },
  };
}
export type ConversationsRepository = ReturnType<typeof createConversationsRepository>;

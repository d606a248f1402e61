// The queue's bulk claim: a run's whole distribution (assignment.rules `distribute`) is
// claimed in one transaction of two statements, whatever its size, and stays conditional.
//
// Capacity under concurrency (several nodes, or a claim racing a run): every change that
// gives an agent a conversation holds that agent's row lock (this claim, and
// conversations.repository `assign`). The first statement takes the locks, in id order so
// two runs never deadlock; the second counts each agent's open conversations. Under READ
// COMMITTED each statement sees what was committed before it started, so that count
// includes every assignment made by whoever held the lock before us, and nobody can add one
// until we commit. (Counting in the locking statement itself would read a snapshot from
// before the wait.) On PGlite, one connection, transactions run one after the other anyway.
//
// Only conversations still `waiting` without an agent are taken: they are locked (in id
// order, as the message writer locks them) and re-checked after the lock, so a claim or
// another node's run that got there first wins and the row is left out. Each agent gets at
// most its free room, the oldest conversations of its share first.
import type { Database } from "../lib/db.js";
import { conversationEvents } from "../webhooks/outbox.sql.js";
import type { Placement } from "./assignment.rules.js";

export interface Claimed {
  conversationId: string;
  agentId: string;
  agentName: string;
}

const LOCK_AGENTS = "SELECT id FROM agent WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE";

const CLAIM = `WITH plan AS (
    SELECT p.cid, p.aid, p.ord FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS p(cid, aid, ord)),
  still AS MATERIALIZED (
    SELECT c.id FROM conversation c WHERE c.id = ANY($1::text[]) AND c.status = 'waiting' AND c.agent_id IS NULL
    ORDER BY c.id FOR UPDATE),
  room AS (
    SELECT a.id, a.name, a.max_concurrent - (SELECT count(*) FROM conversation o
      WHERE o.status = 'open' AND o.visitor_left_at IS NULL AND o.agent_id = a.id) AS free
    FROM agent a WHERE a.id = ANY($2::text[]) AND a.active),
  won AS (
    SELECT q.cid, q.aid, q.name FROM (
      SELECT p.cid, p.aid, r.name, r.free, row_number() OVER (PARTITION BY p.aid ORDER BY p.ord) AS k
      FROM plan p JOIN still s ON s.id = p.cid JOIN room r ON r.id = p.aid) q
    WHERE q.k <= q.free),
  claimed AS (
    UPDATE conversation c SET agent_id = w.aid, status = 'open', updated_at = now(), assigned_at = clock_timestamp()
    FROM won w WHERE c.id = w.cid RETURNING c.id, c.visitor_id, c.agent_id, c.status),
  hooks AS (${conversationEvents("conversation.assigned", "claimed")}),
  stamped AS (
    UPDATE agent SET last_assigned_at = now() WHERE id IN (SELECT agent_id FROM claimed))
  SELECT c.id AS cid, c.agent_id AS aid, w.name FROM claimed c JOIN won w ON w.cid = c.id`;

// The queue's page, oldest first, with each visitor's last agent: the owner of their latest
// conversation that had one (a requeued conversation has none of its own; its earlier ones
// answer). One indexed probe per row of the page (conversation's visitor_id index).
const WAITING_PAGE = `SELECT c.id, (SELECT p.agent_id FROM conversation p
    WHERE p.visitor_id = c.visitor_id AND p.agent_id IS NOT NULL ORDER BY p.created_at DESC LIMIT 1) AS last_agent_id
  FROM conversation c WHERE c.status = 'waiting' ORDER BY c.created_at LIMIT $1::int`;

export function createAssignmentRepository(db: Database) {
  return {
    /** The oldest waiting conversations, and the agent each visitor last had (if any). */
    async waitingPage(limit: number): Promise<{ ids: string[]; returning: Map<string, string> }> {
      const rows = await db.prisma.$queryRawUnsafe<{ id: string; last_agent_id: string | null }[]>(WAITING_PAGE, limit);
      const returning = new Map<string, string>();
      for (const r of rows) if (r.last_agent_id) returning.set(r.id, r.last_agent_id);
      return { ids: rows.map((r) => r.id), returning };
    },
    /** Assigns what of `plan` still holds; answers what was assigned. */
    async claimWaiting(plan: Placement[]): Promise<Claimed[]> {
      if (!plan.length) return [];
      const cids = plan.map((p) => p.conversationId);
      const aids = plan.map((p) => p.agentId);
      const rows = await db.transaction(async (q) => {
        await q(LOCK_AGENTS, [[...new Set(aids)]]);
        return q<{ cid: string; aid: string; name: string }>(CLAIM, [cids, aids]);
      });
      return rows.map((r) => ({ conversationId: r.cid, agentId: r.aid, agentName: r.name }));
    },
  };
}
export type AssignmentRepository = ReturnType<typeof createAssignmentRepository>;

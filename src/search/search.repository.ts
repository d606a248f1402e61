// The console search's reads: one query for the visitors whose name or e-mail matches,
// one for the messages, both filtered by what the agent may read (the console's rule,
// src/console/console.repository.ts) and cut to a few rows, newest first. Raw SQL over the
// trigram and CJK indexes of prisma/migrations/*_console_search.sql.
import { agentMayReadSql } from "../console/console.repository.js";
import type { Database } from "../lib/db.js";
import type { Term } from "./search.rules.js";

export interface MessageHitRow {
  conversation_id: string;
  seq: number;
  body: string;
  created_at: string;
}
export interface VisitorHitRow {
  conversation_id: string;
  created_at: string;
}

const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Matches the trigram pass reads at most; past it a word counts as common. */
const SAMPLE = 1000;
/** Conversations the common-word pass walks at most (newest first). */
const SCAN = 3000;

/** Who may read what: an admin everything (no condition), an agent the console's rule. */
function visibility(agentId: string | null, params: unknown[]): string {
  if (agentId === null) return "TRUE";
  params.push(agentId);
  return agentMayReadSql(`$${params.length}`);
}

export function createSearchRepository(db: Pick<Database, "query">) {
  return {
    /** Messages holding every term, newest first. Two passes, so neither a rare nor a
     *  common word reads much: the trigram index finds up to SAMPLE matches (all of them
     *  for a rare word: the newest LIMIT are then exact); only when there are more (a
     *  common word) does a second pass walk the conversations newest first, stopping at
     *  LIMIT matches or after SCAN conversations, and the two are merged. */
    async messages(terms: Term[], agentId: string | null, limit: number): Promise<MessageHitRow[]> {
      const params: unknown[] = [];
      const conds = terms.map((t) => {
        params.push(t.pattern);
        const like = `m.body ILIKE $${params.length}`;
        if (!t.grams) return like;
        params.push(t.grams);
        return `(m.search_grams IS NOT NULL AND m.search_grams @> $${params.length}::text[] AND ${like})`;
      });
      const may = visibility(agentId, params);
      const n = params.length;
      // hits joins conversation on its key, not another CTE: the planner counts a CTE as one
      // row, and a nested loop of two CTEs compared 1,000 x 921 rows (88 ms at 1M messages).
      const sampled = await db.query<MessageHitRow & { sampled: number }>(
        `WITH hits AS MATERIALIZED (SELECT m.conversation_id, m.seq, m.body, m.created_at FROM message m
           WHERE ${conds.join(" AND ")} LIMIT $${n + 1}::int)
         SELECT h.conversation_id, h.seq, h.body, ${ISO("h.created_at")} AS created_at, (SELECT count(*)::int FROM hits) AS sampled
         FROM hits h JOIN conversation c ON c.id = h.conversation_id
         WHERE ${may} ORDER BY h.created_at DESC LIMIT $${n + 2}::int`,
        [...params, SAMPLE, limit],
      );
      if ((sampled[0]?.sampled ?? 0) < SAMPLE) return sampled;
      // The walk reads each conversation's messages on its own index: `body || ''` keeps the
      // planner off the trigram and CJK indexes there (a probe of a common word's whole
      // posting list per conversation).
      const walkParams: unknown[] = terms.map((t) => t.pattern);
      const walk = terms.map((_, i) => `(m.body || '') ILIKE $${i + 1}`).join(" AND ");
      const walkMay = visibility(agentId, walkParams);
      const w = walkParams.length;
      const recent = await db.query<MessageHitRow>(
        `SELECT h.conversation_id, h.seq, h.body, ${ISO("h.created_at")} AS created_at
         FROM (SELECT c.id, c.created_at FROM conversation c WHERE ${walkMay} ORDER BY c.created_at DESC LIMIT $${w + 1}::int) c
         CROSS JOIN LATERAL (SELECT m.conversation_id, m.seq, m.body, m.created_at FROM message m
           WHERE m.conversation_id = c.id AND ${walk} ORDER BY m.seq DESC LIMIT 1) h
         ORDER BY c.created_at DESC LIMIT $${w + 2}::int`,
        [...walkParams, SCAN, limit],
      );
      const seen = new Set(recent.map((r) => `${r.conversation_id}/${r.seq}`));
      return [...recent, ...sampled.filter((r) => !seen.has(`${r.conversation_id}/${r.seq}`))]
        .sort((a, b) => b.created_at.localeCompare(a.created_at)).slice(0, limit);
    },

    /** Conversations of the visitors whose name or e-mail holds every word, newest first
     *  (a short word: the name starts with it, on the lower(name) index). */
    visitors(words: { pattern: string; prefix: boolean }[], agentId: string | null, limit: number): Promise<VisitorHitRow[]> {
      const params: unknown[] = [];
      const conds = words.map((w) => {
        params.push(w.pattern);
        return w.prefix ? `lower(v.name) LIKE lower($${params.length})`
          : `(v.name ILIKE $${params.length} OR v.email ILIKE $${params.length})`;
      });
      const may = visibility(agentId, params);
      params.push(limit);
      return db.query<VisitorHitRow>(
        `SELECT c.id AS conversation_id, ${ISO("c.created_at")} AS created_at
         FROM visitor v JOIN conversation c ON c.visitor_id = v.id
         WHERE ${conds.join(" AND ")} AND ${may}
         ORDER BY c.created_at DESC LIMIT $${params.length}::int`,
        params,
      );
    },
  };
}
export type SearchRepository = ReturnType<typeof createSearchRepository>;

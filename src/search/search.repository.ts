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

/** The character class of search_cjk_grams' partial index: the query repeats its predicate. */
const HAS_CJK = `m.body ~ '[\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff]'`;
const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Who may read what: an admin everything (no condition), an agent the console's rule. */
function visibility(agentId: string | null, params: unknown[]): string {
  if (agentId === null) return "TRUE";
  params.push(agentId);
  return agentMayReadSql(`$${params.length}`);
}

export function createSearchRepository(db: Pick<Database, "query">) {
  return {
    /** Messages holding every term, newest first. */
    messages(terms: Term[], agentId: string | null, limit: number): Promise<MessageHitRow[]> {
      const params: unknown[] = [];
      const conds = terms.map((t) => {
        params.push(t.pattern);
        const like = `m.body ILIKE $${params.length}`;
        if (!t.grams) return like;
        params.push(t.grams);
        return `(${HAS_CJK} AND search_cjk_grams(m.body) @> $${params.length}::text[] AND ${like})`;
      });
      const may = visibility(agentId, params);
      params.push(limit);
      return db.query<MessageHitRow>(
        `SELECT m.conversation_id, m.seq, m.body, ${ISO("m.created_at")} AS created_at
         FROM message m JOIN conversation c ON c.id = m.conversation_id
         WHERE ${conds.join(" AND ")} AND ${may}
         ORDER BY m.created_at DESC LIMIT $${params.length}::int`,
        params,
      );
    },

    /** Conversations of the visitors whose name or e-mail holds every pattern, newest first. */
    visitors(patterns: string[], agentId: string | null, limit: number): Promise<VisitorHitRow[]> {
      const params: unknown[] = [];
      const conds = patterns.map((p) => {
        params.push(p);
        return `(v.name ILIKE $${params.length} OR v.email ILIKE $${params.length})`;
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

// Keeps the planner's statistics fresh on both databases (rules: planner-stats.rules.ts).
// A cheap check, right after start (migrations have just changed tables) and then
// periodically: read pg_stat_user_tables and ANALYZE only the tables that changed enough.
// In a cluster one node at a time does it, under a session advisory lock it only tries
// for (a node that finds it held skips that round). A failing database only skips a round.
import type { Database, RawConnection } from "../lib/db.js";
import type { Logger } from "../lib/logger.js";
import { needsAnalyze } from "./planner-stats.rules.js";

const LOCK_KEY = 727_346_002; // arbitrary, fixed: "holdfast planner statistics"
/** How long close() waits for a round in progress before it lets the database close. */
const CLOSE_WAIT_MS = 5000;

interface StatRow { schema: string; name: string; live: string | number; modified: string | number; analyzed: boolean }

// The backend's own pending counters reach the view only at its next report; PGlite, a
// single idle backend, would otherwise show no activity at all (pg_stat_force_next_flush
// is PostgreSQL 15+, which both databases are).
const FLUSH_SQL = "SELECT pg_stat_force_next_flush()";
const STATS_SQL = `SELECT schemaname AS schema, relname AS name, n_live_tup AS live, n_mod_since_analyze AS modified,
    (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL) AS analyzed
  FROM pg_stat_user_tables WHERE schemaname = current_schema()`;

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

async function analyzeStale(conn: RawConnection): Promise<string[]> {
  await conn.query(FLUSH_SQL);
  const rows = await conn.query<StatRow>(STATS_SQL);
  const stale = rows.filter((r) => needsAnalyze({ live: Number(r.live), modified: Number(r.modified), analyzed: r.analyzed }));
  for (const t of stale) await conn.exec(`ANALYZE ${quoteIdent(t.schema)}.${quoteIdent(t.name)}`);
  return stale.map((t) => t.name);
}

export interface PlannerStats {
  /** One round now: the names of the tables analysed (none when another node holds the lock). */
  refresh(): Promise<string[]>;
  close(): Promise<void>;
}

/** A stalled link would otherwise hold a round, and every later one, for ever; an ANALYZE
 *  of a large table takes seconds. The session ends with the connection, lock included. */
const ROUND_QUERY_TIMEOUT_MS = 60_000;

export function startPlannerStats(db: Database, log: Logger, everyMs: number): PlannerStats {
  let running: Promise<string[]> | undefined;
  const round = () =>
    db.withConnection(async (conn) => {
      const [lock] = await conn.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [LOCK_KEY]);
      if (!lock?.ok) return [];
      try {
        return await analyzeStale(conn);
      } finally {
        await conn.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]);
      }
    }, { queryTimeoutMs: ROUND_QUERY_TIMEOUT_MS });
  // Rounds never overlap: a slow one (a stalled link) makes the next ones wait for it.
  const refresh = () => (running ??= round().finally(() => (running = undefined)));
  const tick = () =>
    void refresh().then(
      (tables) => tables.length && log.info("planner statistics refreshed", { tables }),
      (err: unknown) => log.warn("planner statistics check failed", { err: err instanceof Error ? err.message : String(err) }),
    );
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    refresh,
    async close() {
      clearInterval(timer);
      if (running) await Promise.race([running.catch(() => {}), new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
    },
  };
}

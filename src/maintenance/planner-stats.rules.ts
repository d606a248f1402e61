// When a table's planner statistics are stale enough to refresh. PostgreSQL's autovacuum
// analyses a table once the rows changed since its last ANALYZE pass 50 + 10 % of its
// rows; PGlite runs no autovacuum at all, so without this rule its planner would see an
// empty table for ever (a sort and a bitmap heap scan instead of an ordered index scan on
// a long conversation; BENCHMARKS.md "history"). The same rule serves both databases,
// with a ceiling: on a large table 10 % would be a long wait, and ANALYZE samples a
// bounded number of rows whatever the table's size, so refreshing sooner costs little.

export interface TableActivity {
  /** Live rows now (pg_stat_user_tables.n_live_tup). */
  live: number;
  /** Rows inserted, updated or deleted since the last ANALYZE (n_mod_since_analyze). */
  modified: number;
  /** Whether the table was ever analysed (by us or by autovacuum). */
  analyzed: boolean;
}

export const ANALYZE_BASE_ROWS = 50;
export const ANALYZE_FRACTION = 0.1;
export const ANALYZE_MAX_ROWS = 10_000;

export function needsAnalyze(t: TableActivity): boolean {
  if (t.modified <= 0) return false;
  if (!t.analyzed) return true; // never measured: the planner guesses from nothing
  return t.modified > Math.min(ANALYZE_BASE_ROWS + ANALYZE_FRACTION * t.live, ANALYZE_MAX_ROWS);
}

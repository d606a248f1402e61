// Stored connection tests: one row a run, read by id (an agent with the id a visitor
// read out), by visitor (their panel) and as recent ones grouped for the health page.
import type { Database } from "../lib/db.js";
import type { DiagnosticResults, Finding } from "./findings.rules.js";

export interface StoredReport {
  id: string;
  visitorId: string | null;
  createdAt: string;
  network: string;
  userAgent: string;
  transport: string;
  rttP50Ms: number | null;
  idleCutSec: number | null;
  results: DiagnosticResults;
  findings: Finding[];
}
export type NewReport = Omit<StoredReport, "createdAt">;

interface Row {
  id: string; visitor_id: string | null; created_at: string; network: string; user_agent: string; transport: string;
  rtt_p50_ms: number | null; idle_cut_sec: number | null; results: DiagnosticResults | string; findings: Finding[] | string;
}
const json = <T>(v: T | string): T => (typeof v === "string" ? (JSON.parse(v) as T) : v);
const toReport = (r: Row): StoredReport => ({
  id: r.id, visitorId: r.visitor_id, createdAt: r.created_at, network: r.network, userAgent: r.user_agent, transport: r.transport,
  rttP50Ms: r.rtt_p50_ms, idleCutSec: r.idle_cut_sec, results: json(r.results), findings: json(r.findings),
});
const COLUMNS = `id, visitor_id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
  network, user_agent, transport, rtt_p50_ms, idle_cut_sec, results, findings`;

export interface ReportGroups {
  transports: { transport: string; n: number }[];
  idleCuts: { idleCutSec: number; n: number }[];
  networks: { network: string; n: number; lastAt: string }[];
}

export function createDiagnosticsRepository(db: Pick<Database, "query">) {
  return {
    async insert(r: NewReport): Promise<void> {
      await db.query(
        `INSERT INTO diagnostic_report (id, visitor_id, network, user_agent, transport, rtt_p50_ms, idle_cut_sec, results, findings)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)`,
        [r.id, r.visitorId, r.network, r.userAgent, r.transport, r.rttP50Ms, r.idleCutSec, JSON.stringify(r.results), JSON.stringify(r.findings)],
      );
    },
    async byId(id: string): Promise<StoredReport | null> {
      const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM diagnostic_report WHERE id = $1`, [id]);
      return rows[0] ? toReport(rows[0]) : null;
    },
    async forVisitor(visitorId: string, limit = 5): Promise<StoredReport[]> {
      const rows = await db.query<Row>(
        `SELECT ${COLUMNS} FROM diagnostic_report WHERE visitor_id = $1 ORDER BY created_at DESC LIMIT $2`, [visitorId, limit]);
      return rows.map(toReport);
    },
    async recent(limit = 20): Promise<StoredReport[]> {
      const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM diagnostic_report ORDER BY created_at DESC LIMIT $1`, [limit]);
      return rows.map(toReport);
    },
    /** The last `days` grouped: which transports work, which idle cuts, which networks. */
    async groups(days = 30): Promise<ReportGroups> {
      const since = `created_at > now() - make_interval(days => $1::int)`;
      const [transports, idleCuts, networks] = await Promise.all([
        db.query<{ transport: string; n: number }>(
          `SELECT transport, count(*)::int AS n FROM diagnostic_report WHERE ${since} GROUP BY transport ORDER BY n DESC`, [days]),
        db.query<{ idle_cut_sec: number; n: number }>(
          `SELECT idle_cut_sec, count(*)::int AS n FROM diagnostic_report WHERE ${since} AND idle_cut_sec IS NOT NULL
           GROUP BY idle_cut_sec ORDER BY n DESC LIMIT 10`, [days]),
        db.query<{ network: string; n: number; last_at: string }>(
          `SELECT network, count(*)::int AS n, to_char(max(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_at
           FROM diagnostic_report WHERE ${since} GROUP BY network ORDER BY n DESC LIMIT 10`, [days]),
      ]);
      return {
        transports,
        idleCuts: idleCuts.map((r) => ({ idleCutSec: r.idle_cut_sec, n: r.n })),
        networks: networks.map((r) => ({ network: r.network, n: r.n, lastAt: r.last_at })),
      };
    },
  };
}
export type DiagnosticsRepository = ReturnType<typeof createDiagnosticsRepository>;

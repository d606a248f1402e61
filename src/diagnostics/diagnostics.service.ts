// Storing and reading connection tests. The findings are worked out here again from the
// measured results rather than taken from the page: what an agent reads was decided by
// the server's rules, not by whatever a browser sent.
import { randomBytes } from "node:crypto";
import { isUniqueViolation, notFound } from "../lib/errors.js";
import type { z } from "zod";
import type { DiagnosticsRepository, StoredReport } from "./diagnostics.repository.js";
import { networkOf, reportId, summarise } from "./diagnostics.rules.js";
import type { ReportSchema } from "./diagnostics.schemas.js";
import { findings, type Keepalive } from "./findings.rules.js";

/** What keeps a chat connection busy under this configuration (realtime/io.ts pings every
 *  OFFLINE_AFTER_MS / 3; the client's heartbeat adapts no lower than the floor). */
export const keepaliveOf = (c: { offlineAfterMs: number; heartbeatMinIntervalMs: number }): Keepalive => ({
  pingSec: Math.max(1, Math.round(c.offlineAfterMs / 3000)), floorSec: Math.max(1, Math.round(c.heartbeatMinIntervalMs / 1000)),
});

export function createDiagnosticsService(d: {
  repo: DiagnosticsRepository;
  visitorIdFromTicket: (ticket: unknown) => string | null;
  keepalive: Keepalive;
}) {
  return {
    async create(input: z.infer<typeof ReportSchema>, client: { ip?: string; userAgent?: string }): Promise<StoredReport> {
      const visitorId = input.ticket ? d.visitorIdFromTicket(input.ticket) : null;
      const userAgent = [String(client.userAgent ?? "").slice(0, 300), input.connection].filter(Boolean).join(" · ");
      const report = {
        visitorId, network: networkOf(client.ip), userAgent,
        ...summarise(input.results), results: input.results,
        findings: findings(input.results, d.keepalive),
      };
      // 40 bits: a collision is rare, a second one after a retry is not worth a loop.
      for (let attempt = 0; ; attempt++) {
        const id = reportId(randomBytes(8));
        try {
          await d.repo.insert({ id, ...report });
          return (await d.repo.byId(id))!;
        } catch (err) {
          if (attempt > 0 || !isUniqueViolation(err)) throw err;
        }
      }
    },
    async read(id: string): Promise<StoredReport> {
      const r = await d.repo.byId(id);
      if (!r) throw notFound("no connection test with this id");
      return r;
    },
    forVisitor: (visitorId: string) => d.repo.forVisitor(visitorId),
    recent: () => Promise.all([d.repo.recent(), d.repo.groups()]).then(([reports, groups]) => ({ reports, groups })),
  };
}
export type DiagnosticsService = ReturnType<typeof createDiagnosticsService>;

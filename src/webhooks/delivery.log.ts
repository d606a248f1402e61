// The admin's view of deliveries: the latest events with their state, and every attempt
// (status code, body excerpt, error, duration).
import type { Prisma } from "../lib/db.js";

export interface EventLogRow {
  id: string; webhook_url: string; conversation_id: string; type: string; state: string; attempts: number;
  created_at: Date; next_attempt_at: Date; last_status: number | null; last_body_excerpt: string | null; last_error: string | null;
}
export interface AttemptLogRow {
  event_id: string; type: string; webhook_url: string; status: number | null; body_excerpt: string | null;
  error: string | null; duration_ms: number; at: Date;
}

export function createDeliveryLog(prisma: Prisma) {
  return {
    events: (limit: number) => prisma.$queryRawUnsafe<EventLogRow[]>(
      `SELECT e.id, w.url AS webhook_url, e.conversation_id, e.type, e.state, e.attempts, e.created_at, e.next_attempt_at,
              e.last_status, e.last_body_excerpt, e.last_error
         FROM webhook_event e JOIN webhook w ON w.id = e.webhook_id ORDER BY e.position DESC LIMIT $1::int`, limit),
    attempts: (limit: number) => prisma.$queryRawUnsafe<AttemptLogRow[]>(
      `SELECT a.event_id, e.type, w.url AS webhook_url, a.status, a.body_excerpt, a.error, a.duration_ms, a.at
         FROM webhook_attempt a JOIN webhook_event e ON e.id = a.event_id JOIN webhook w ON w.id = e.webhook_id
        ORDER BY a.id DESC LIMIT $1::int`, limit),
    counts: async () => Object.fromEntries((await prisma.$queryRawUnsafe<{ state: string; n: number }[]>(
      "SELECT state, count(*)::int AS n FROM webhook_event GROUP BY state")).map((r) => [r.state, r.n])) as Record<string, number>,
  };
}
export type DeliveryLog = ReturnType<typeof createDeliveryLog>;

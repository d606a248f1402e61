// Ratings live on the conversation row (one per conversation). The write is one
// conditional UPDATE, so two tabs or two nodes submitting at once store exactly one.
import type { Prisma } from "../lib/db.js";

export interface CsatState {
  conversationId: string;
  visitorId: string;
  status: string;
  rating: number | null;
  comment: string | null;
  at: Date | null;
}

interface Row {
  id: string;
  visitor_id: string;
  status: string;
  csat_rating: number | null;
  csat_comment: string | null;
  csat_at: Date | null;
}
const toState = (r: Row): CsatState => ({
  conversationId: r.id, visitorId: r.visitor_id, status: r.status,
  rating: r.csat_rating === null ? null : Number(r.csat_rating), comment: r.csat_comment, at: r.csat_at ? new Date(r.csat_at) : null,
});

export function createCsatRepository(prisma: Prisma) {
  return {
    async state(conversationId: string): Promise<CsatState | null> {
      const rows = await prisma.$queryRawUnsafe<Row[]>(
        "SELECT id, visitor_id, status, csat_rating, csat_comment, csat_at FROM conversation WHERE id = $1", conversationId);
      return rows[0] ? toState(rows[0]) : null;
    },

    /** Stores the rating if this visitor's conversation is resolved and not rated yet. */
    async rate(conversationId: string, visitorId: string, rating: number, comment: string | null): Promise<CsatState | null> {
      const rows = await prisma.$queryRawUnsafe<Row[]>(
        `UPDATE conversation SET csat_rating = $3::smallint, csat_comment = $4, csat_at = now()
         WHERE id = $1 AND visitor_id = $2 AND status = 'resolved' AND csat_rating IS NULL
         RETURNING id, visitor_id, status, csat_rating, csat_comment, csat_at`,
        conversationId, visitorId, rating, comment);
      return rows[0] ? toState(rows[0]) : null;
    },
  };
}
export type CsatRepository = ReturnType<typeof createCsatRepository>;

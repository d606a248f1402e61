// Visitor rows for verified identity and live context: single statements, so that two
// devices signing in at once, or a burst of page changes, need no lock or transaction.
import type { Prisma } from "../lib/db.js";

const UPSERT_VERIFIED = `INSERT INTO visitor (id, name, email, meta, external_user_id)
  VALUES ($1, $2, $3, $4::jsonb, $5)
  ON CONFLICT (external_user_id) DO UPDATE SET
    name = COALESCE(EXCLUDED.name, visitor.name),
    email = COALESCE(EXCLUDED.email, visitor.email),
    meta = visitor.meta || EXCLUDED.meta,
    last_seen_at = now()
  RETURNING id, (xmax = 0) AS created`;

// `meta || patch`: the keys given replace theirs, the others stay.
const MERGE_META = `UPDATE visitor SET meta = meta || $2::jsonb, last_seen_at = now() WHERE id = $1 RETURNING meta`;

export function createVisitorsRepository(prisma: Prisma) {
  return {
    /** The one visitor of a site user: created on their first session, found (and its
     *  name, email and context brought up to date) on every later one. Two sessions racing
     *  for a new userId both land on the row the first insert made: the unique index makes
     *  the second insert wait for the first and then update it. */
    async upsertVerified(v: { id: string; userId: string; name?: string; email?: string; meta: object }) {
      const rows = await prisma.$queryRawUnsafe<{ id: string; created: boolean }[]>(
        UPSERT_VERIFIED, v.id, v.name ?? null, v.email ?? null, JSON.stringify(v.meta), v.userId);
      return rows[0];
    },

    /** The visitor's context after the patch, or null for a visitor that is gone. */
    async mergeMeta(visitorId: string, patch: Record<string, string>): Promise<Record<string, unknown> | null> {
      const rows = await prisma.$queryRawUnsafe<{ meta: Record<string, unknown> }[]>(MERGE_META, visitorId, JSON.stringify(patch));
      return rows[0]?.meta ?? null;
    },
  };
}
export type VisitorsRepository = ReturnType<typeof createVisitorsRepository>;

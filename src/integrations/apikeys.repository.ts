// API key rows (schema.prisma `ApiKey`). The hot path, a request's key, is one indexed
// read by the key's hash; its "last used" is written at most once a minute per key
// (apikeys.service.ts asks at most that often per node, the row's own time settles nodes).
import type { Prisma } from "../lib/db.js";

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  createdById: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}
const PUBLIC = { id: true, name: true, prefix: true, createdById: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

/** How stale "last used" may get. */
const TOUCH_EVERY_MS = 60_000;

export function createApiKeysRepository(prisma: Prisma) {
  return {
    create: (k: { id: string; name: string; keyHash: string; prefix: string; createdById: string }): Promise<ApiKeyRow> =>
      prisma.apiKey.create({ data: k, select: PUBLIC }),
    /** The keys that still work, oldest first (the admin page's list). */
    active: (): Promise<ApiKeyRow[]> => prisma.apiKey.findMany({ where: { revokedAt: null }, orderBy: { createdAt: "asc" }, select: PUBLIC }),
    /** The working key with this hash, or null (unknown or revoked). */
    byHash: (keyHash: string): Promise<ApiKeyRow | null> =>
      prisma.apiKey.findFirst({ where: { keyHash, revokedAt: null }, select: PUBLIC }),
    /** Whether a working key was revoked now (false: unknown, or revoked before). */
    async revoke(id: string): Promise<boolean> {
      const r = await prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
      return r.count > 0;
    },
    async touch(id: string, now = new Date()): Promise<void> {
      await prisma.apiKey.updateMany({
        where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - TOUCH_EVERY_MS) } }] },
        data: { lastUsedAt: now },
      });
    },
  };
}
export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>;

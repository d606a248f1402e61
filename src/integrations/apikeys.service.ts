// API keys: an admin creates one with a name (the key is shown once, only its hash is
// kept), lists and revokes them. A key is a credential of a named integration: it acts
// as an agent-like actor (actor.ts, role "integration") whose id is the key's and whose
// name is the key's, so its messages show that name as the sender. Revocation deletes
// nothing the next request could still find: the row is marked, the lookup skips it.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Actor } from "../accounts/actor.js";
import type { Logger } from "../lib/logger.js";
import { notFound } from "../lib/errors.js";
import type { ApiKeyRow, ApiKeysRepository } from "./apikeys.repository.js";

/** Every key starts so (PROTOCOL.md section 6): told apart from agent tokens at a glance. */
export const API_KEY_PREFIX = "hfk_";
export const isApiKey = (token: string) => token.startsWith(API_KEY_PREFIX);
/** 32 random bytes: a hash of it needs no salt or slow function to resist guessing. */
const keyHash = (key: string) => createHash("sha256").update(key).digest("base64url");

export interface PublicApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}
export const publicApiKey = (k: ApiKeyRow): PublicApiKey => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
});

/** How often a node records a key's use: a busy integration is not a write per request. */
const TOUCH_EVERY_MS = 60_000;

export function createApiKeysService(repo: ApiKeysRepository, log: Logger, now = () => Date.now()) {
  /** When this node last recorded each key's use. */
  const touched = new Map<string, number>();
  function touch(id: string) {
    const t = now();
    if (t - (touched.get(id) ?? -Infinity) < TOUCH_EVERY_MS) return;
    touched.set(id, t);
    if (touched.size > 10_000) touched.delete(touched.keys().next().value!);
    void repo.touch(id, new Date(t)).catch((err: unknown) => log.warn("api key last-used not saved", { err }));
  }
  return {
    /** A new key: its row, and the key itself, which nobody can see again. */
    async create(name: string, createdById: string): Promise<{ apiKey: PublicApiKey; key: string }> {
      const key = `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
      const row = await repo.create({ id: randomUUID(), name, keyHash: keyHash(key), prefix: key.slice(0, 10), createdById });
      return { apiKey: publicApiKey(row), key };
    },
    list: async () => (await repo.active()).map(publicApiKey),
    async revoke(id: string): Promise<void> {
      if (!(await repo.revoke(id))) throw notFound("API key not found");
    },
    /** The integration behind a working key, or null. */
    async actorFromKey(key: string): Promise<Actor | null> {
      if (!isApiKey(key) || key.length > 200) return null;
      const row = await repo.byHash(keyHash(key));
      if (!row) return null;
      touch(row.id);
      return { type: "agent", id: row.id, name: row.name, role: "integration" };
    },
  };
}
export type ApiKeysService = ReturnType<typeof createApiKeysService>;

// Bearer tokens for visitors and API agents: "<kind>.<id>.<expiresAt>.<hmac>". The HMAC
// lets any node refuse a forged, malformed or expired token with the shared secret and no
// database read. A visitor token's id is the visitor. An agent token's id is a random
// secret whose hash names its row in agent_token (accounts.service.ts): deleting the row
// revokes the token, on every node at once.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** v: visitor, a: agent, d: a diagnostics ticket (accounts.service.ts). */
export type TokenKind = "v" | "a" | "d";
export interface TokenClaims {
  kind: TokenKind;
  id: string;
  expiresAt: number;
}

const VISITOR_TTL_MS = 365 * 24 * 3600_000; // a returning customer keeps their history
export const AGENT_TTL_MS = 30 * 24 * 3600_000;

/** The agent_token row of an agent token's secret: the secret itself is never stored. */
export const tokenRowId = (secret: string) => createHash("sha256").update(secret).digest("base64url");

export function createTokens(secret: string) {
  const mac = (payload: string) => createHmac("sha256", secret).update(payload).digest("base64url");
  return {
    sign(kind: TokenKind, id: string, expiresAt = Date.now() + (kind === "v" ? VISITOR_TTL_MS : AGENT_TTL_MS)): string {
      const payload = `${kind}.${id}.${expiresAt.toString(36)}`;
      return `${payload}.${mac(payload)}`;
    },
    /** Returns the claims, or null for anything forged, malformed or expired. */
    verify(token: unknown, kind: TokenKind, now = Date.now()): TokenClaims | null {
      if (typeof token !== "string" || token.length > 300) return null;
      const parts = token.split(".");
      if (parts.length !== 4 || parts[0] !== kind) return null;
      const payload = parts.slice(0, 3).join(".");
      const given = Buffer.from(parts[3]);
      const want = Buffer.from(mac(payload));
      if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
      const expiresAt = parseInt(parts[2], 36);
      if (!Number.isFinite(expiresAt) || expiresAt < now) return null;
      return { kind, id: parts[1], expiresAt };
    },
  };
}
export type Tokens = ReturnType<typeof createTokens>;

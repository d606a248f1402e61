// Bearer tokens for visitors and API agents: "<kind>.<id>.<expiresAt>.<hmac>". Stateless
// so any node can check them with the shared secret; agent tokens are also checked
// against the database (a deactivated agent is refused at once).
import { createHmac, timingSafeEqual } from "node:crypto";

export type TokenKind = "v" | "a";
export interface TokenClaims {
  kind: TokenKind;
  id: string;
  expiresAt: number;
}

const VISITOR_TTL_MS = 365 * 24 * 3600_000; // a returning customer keeps their history
const AGENT_TTL_MS = 30 * 24 * 3600_000;

export function createTokens(secret: string) {
  const mac = (payload: string) => createHmac("sha256", secret).update(payload).digest("base64url");
  return {
    sign(kind: TokenKind, id: string, now = Date.now()): string {
      const exp = now + (kind === "v" ? VISITOR_TTL_MS : AGENT_TTL_MS);
      const payload = `${kind}.${id}.${exp.toString(36)}`;
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

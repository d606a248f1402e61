// Verified visitor identity (PROTOCOL.md section 2): the embedding site's server signs its
// user's id, userHash = lowercase hex HMAC-SHA256(userId) keyed with IDENTITY_SECRET, and
// the widget hands both to POST /api/visitor/session. A correct pair names that user's one
// visitor on every device; a wrong one is refused. Pure functions, unit-tested.
import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "../lib/errors.js";

export const userHashOf = (secret: string, userId: string) => createHmac("sha256", secret).update(userId, "utf8").digest("hex");

/** Constant-time, on the 32 bytes: uppercase hex (some languages' default) is the same
 *  hash; anything that is not 64 hex digits is wrong without being compared. */
export function hashMatches(secret: string, userId: string, userHash: string): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(userHash)) return false;
  const want = createHmac("sha256", secret).update(userId, "utf8").digest();
  return timingSafeEqual(Buffer.from(userHash, "hex"), want);
}

export type IdentityClaim = { verified: false; ignored: boolean } | { verified: true; userId: string };

/** What a session request says about who it is. Without a secret, userId and userHash
 *  prove nothing (anyone may type any id): ignored, an anonymous visitor as before. With
 *  one, the pair must match, and one without the other is a broken sign-in, not a guest. */
export function judgeIdentity(secret: string | undefined, body: { userId?: string; userHash?: string }): IdentityClaim {
  const { userId, userHash } = body;
  if (userId === undefined && userHash === undefined) return { verified: false, ignored: false };
  if (!secret) return { verified: false, ignored: true };
  if (userId === undefined || userHash === undefined) throw new AppError("AUTH_INVALID", "userId and userHash go together");
  if (!hashMatches(secret, userId, userHash)) throw new AppError("AUTH_INVALID", "userHash does not match userId");
  return { verified: true, userId };
}

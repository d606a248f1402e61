// Signed, expiring links of the follow-up emails: "resume" reopens the visitor's chat on
// any device, "unsub" stops these emails. "<purpose>.<visitorId>.<expiry>.<hmac>" under a
// key derived from the session secret (as upload-links.ts does), so any node checks a
// link with no database read, and a link for one purpose never works for the other.
import { createHmac, timingSafeEqual } from "node:crypto";

export type LinkPurpose = "resume" | "unsub";
/** A resume link is a credential to the visitor's history: it lives a week. */
export const RESUME_TTL_MS = 7 * 24 * 3600_000;
/** An unsubscribe link must keep working as long as old emails are read. */
export const UNSUB_TTL_MS = 365 * 24 * 3600_000;

export function createEmailLinks(sessionSecret: string) {
  const key = createHmac("sha256", sessionSecret).update("holdfast email links").digest();
  const mac = (payload: string) => createHmac("sha256", key).update(payload).digest("base64url");

  const sign = (purpose: LinkPurpose, visitorId: string, now = Date.now()): string => {
    const exp = (now + (purpose === "resume" ? RESUME_TTL_MS : UNSUB_TTL_MS)).toString(36);
    const payload = `${purpose}.${visitorId}.${exp}`;
    return `${payload}.${mac(payload)}`;
  };

  return {
    sign,
    /** The visitor a token names for this purpose, or why not. */
    verify(token: unknown, purpose: LinkPurpose, now = Date.now()): { visitorId: string } | "expired" | "invalid" {
      if (typeof token !== "string" || token.length > 300) return "invalid";
      const parts = token.split(".");
      if (parts.length !== 4 || parts[0] !== purpose || !parts[1]) return "invalid";
      const want = Buffer.from(mac(parts.slice(0, 3).join(".")));
      const given = Buffer.from(parts[3]);
      if (want.length !== given.length || !timingSafeEqual(want, given)) return "invalid";
      const exp = parseInt(parts[2], 36);
      if (!Number.isFinite(exp)) return "invalid";
      return exp > now ? { visitorId: parts[1] } : "expired";
    },
    resumeUrl: (base: string, visitorId: string) => `${base}/chat/resume?t=${encodeURIComponent(sign("resume", visitorId))}`,
    unsubscribeUrl: (base: string, visitorId: string) => `${base}/email/unsubscribe?t=${encodeURIComponent(sign("unsub", visitorId))}`,
    /** The List-Unsubscribe header's URL, which mail clients POST to (RFC 8058). */
    oneClickUrl: (base: string, visitorId: string) => `${base}/api/email/unsubscribe?t=${encodeURIComponent(sign("unsub", visitorId))}`,
  };
}
export type EmailLinks = ReturnType<typeof createEmailLinks>;

// Signed, expiring download links of attachments: what the `url` of every Attachment a
// client is handed carries (PROTOCOL.md "Types"), so an <img> or a link works without a
// header, in the visitor page, the console, transcripts and their exports, while the
// bare /uploads/:id asks for a credential. HMAC-SHA256 under a key derived from the
// session secret; a link lives 7 to 8 days, and is the same for an hour (cacheable).
import { createHmac, timingSafeEqual } from "node:crypto";
import { attachmentPath } from "../conversations/messages.mapper.js";

const TTL_MS = 7 * 24 * 3600_000;
const STEP_MS = 3600_000;

export type LinkCheck = "valid" | "expired" | "invalid";

export function createUploadLinks(sessionSecret: string) {
  const key = createHmac("sha256", sessionSecret).update("holdfast upload links").digest();
  const sign = (id: string, exp: number) => createHmac("sha256", key).update(`${id}.${exp}`).digest("base64url");

  return {
    /** The signed URL of attachment `id`, as of `now`. */
    url(id: string, now = Date.now()): string {
      const exp = (Math.ceil((now + TTL_MS) / STEP_MS) * STEP_MS) / 1000;
      return `${attachmentPath(id)}?exp=${exp}&sig=${sign(id, exp)}`;
    },
    /** Whether `exp` and `sig` (query values, any type) sign attachment `id` and have not expired. */
    check(id: string, exp: unknown, sig: unknown, now = Date.now()): LinkCheck {
      if (typeof exp !== "string" || !/^\d{1,12}$/.test(exp) || typeof sig !== "string") return "invalid";
      const want = Buffer.from(sign(id, Number(exp)));
      const given = Buffer.from(sig);
      if (want.length !== given.length || !timingSafeEqual(want, given)) return "invalid";
      return Number(exp) * 1000 > now ? "valid" : "expired";
    },
  };
}
export type UploadLinks = ReturnType<typeof createUploadLinks>;

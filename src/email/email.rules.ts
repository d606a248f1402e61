// Pure rules of the email module: retry backoff, how often to sweep, the language of a
// visitor's emails, and which messages an email may carry.

/** Attempts before a delivery is given up ("failed"): with the backoff below, about 4 h. */
export const MAX_ATTEMPTS = 12;
const BASE_MS = 1000;
const CAP_MS = 30 * 60_000;

/** Wait before attempt `attempts + 1`: doubling from 1 s up to 30 min, with ±20 % jitter so
 *  that nodes retrying the same dead server do not all knock at once. */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** How often each node looks for due follow-ups: a quarter of EMAIL_AFTER_MS, so an email
 *  goes out at most 25 % late, bounded to 200 ms..15 s. */
export function sweepIntervalMs(afterMs: number): number {
  return Math.min(15_000, Math.max(200, Math.floor(afterMs / 4)));
}

export type EmailLang = "en" | "zh";
/** The visitor's browser language as sent to POST /api/visitor/session ("zh-CN", "zh"...). */
export function emailLang(language: unknown): EmailLang {
  return typeof language === "string" && /^zh\b/i.test(language.trim()) ? "zh" : "en";
}

/** Message types a visitor may see by email. A whitelist, so that anything else (internal
 *  notes, whatever comes later) stays out unless it is added here on purpose. */
export const EMAILABLE_TYPES = ["text", "image", "file", "card"] as const;

/** An SMTP error as the admin should see it: one line, bounded, no credentials. */
export function describeError(err: unknown): string {
  const e = err as { code?: string; responseCode?: number; message?: string };
  const text = [e?.code, e?.responseCode, e?.message ?? String(err)].filter(Boolean).join(" ");
  return text.replace(/\/\/[^@\s/]*@/g, "//***@").replace(/\s+/g, " ").slice(0, 500);
}

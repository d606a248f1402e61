// Pure rules of the conversation lifecycle (issue 11, PROTOCOL.md section 4): when a snooze
// may end, and how often the sweep that ends snoozes and auto-resolves silent
// conversations runs. No I/O, no clock (the caller passes `now`).
import { validation } from "../lib/errors.js";

/** The furthest a snooze may reach: beyond this it is a mistake, not a plan. */
export const MAX_SNOOZE_MS = 366 * 86_400_000;
/** An ISO 8601 time with its zone (Z or ±hh:mm): a time without one means a different
 *  instant for the browser and the server. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** `until` of conversation:snooze as an instant: null (omitted) is "until the visitor's
 *  next message"; a time must be ahead of `now` and within MAX_SNOOZE_MS. */
export function snoozeUntil(until: string | null | undefined, now: number): Date | null {
  if (until === undefined || until === null) return null;
  const at = ISO_WITH_ZONE.test(until) ? Date.parse(until) : NaN;
  if (!Number.isFinite(at)) throw validation("until: an ISO time with a zone, like 2026-12-24T09:00:00Z");
  if (at <= now) throw validation("until: must be in the future");
  if (at - now > MAX_SNOOZE_MS) throw validation("until: at most a year ahead");
  return new Date(at);
}

/** How often the sweep runs: a tenth of AUTO_RESOLVE_AFTER_MS (so a conversation is
 *  resolved at most 10% late), at most every 5 s (snoozes end within that), at least
 *  every 100 ms apart (small test timers). */
export function sweepEveryMs(autoResolveAfterMs: number): number {
  return Math.min(5000, Math.max(100, Math.floor(autoResolveAfterMs / 10)));
}

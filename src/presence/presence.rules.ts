// The presence state machine as pure functions (no I/O, no timers, no clock): both stores
// feed it their bookkeeping and `now`, and get back the presence plus the next instant at
// which the answer could change without new input, which they arm as a single deadline.
// Keeping this pure is what lets the memory and Redis stores agree and be tested alone.
import type { Presence } from "../events.js";
import type { DeviceInfo, Health, PresenceTimings } from "./presence.types.js";

/** Without a device for less than this, a participant keeps its presence: a page
 *  navigation or a transport switch closes one socket and opens the next within ~1 s,
 *  and announcing offline/online for that would be exactly the flapping we avoid. */
export const DISCONNECT_GRACE_MS = 5_000;
/** How many of the latest RTT samples the smoothed RTT looks at. */
export const RTT_SMOOTHING = 3;
/** Bounds of the per-participant histories (Health.rttHistory is "at most 20"). */
export const RTT_HISTORY = 20;
export const RECONNECT_HISTORY = 20;

export interface PresenceInput {
  /** Last traffic anywhere (any device, any node); null: never seen any. */
  lastTrafficAt: number | null;
  /** Devices connected right now. */
  devices: number;
  /** RTT samples, most recent last. */
  rtts: readonly number[];
  /** Times at which a device connected as a reconnect, ascending. */
  reconnectTimes: readonly number[];
  /** When the last device went away (null while one is connected). */
  disconnectedSince: number | null;
}

export interface PresenceResult {
  presence: Presence;
  /** When to look again without new input; null: never (only new input changes it). */
  nextAt: number | null;
  /** The earliest deadline that new traffic would NOT move (grace end, reconnect expiry),
   *  so a caller that saw fresh traffic knows when it must still look again. */
  fixedAt: number | null;
}

export const graceMs = (t: PresenceTimings) => t.disconnectGraceMs ?? DISCONNECT_GRACE_MS;

/** Median of the latest RTT_SMOOTHING samples (mean of two when only two exist). A median
 *  rather than a mean: "RTT stays above 800 ms" must not trip on one lost-packet spike,
 *  yet two slow samples out of three do trip it. Written out to avoid allocating. */
export function smoothedRtt(rtts: readonly number[]): number | null {
  const n = rtts.length;
  if (n === 0) return null;
  if (n === 1) return rtts[0];
  if (n === 2) return (rtts[0] + rtts[1]) / 2;
  const a = rtts[n - 3], b = rtts[n - 2], c = rtts[n - 1];
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

/** Reconnects within the window ending at `now` (times ascending; scans from the end). */
export function recentReconnects(times: readonly number[], now: number, windowMs: number): number {
  let n = 0;
  for (let i = times.length - 1; i >= 0 && now - times[i] < windowMs; i--) n++;
  return n;
}

export function evaluatePresence(s: PresenceInput, now: number, t: PresenceTimings): PresenceResult {
  if (s.lastTrafficAt === null) return { presence: "offline", nextAt: null, fixedAt: null };
  const idle = now - s.lastTrafficAt;
  const releaseAt = s.lastTrafficAt + t.releaseAfterMs;
  if (idle >= t.releaseAfterMs) return { presence: "left", nextAt: null, fixedAt: null };
  // A stalled link: sockets may look connected, but nothing arrives.
  if (idle >= t.offlineAfterMs) return { presence: "offline", nextAt: releaseAt, fixedAt: null };
  const offlineAt = s.lastTrafficAt + t.offlineAfterMs; // < releaseAt
  let fixedAt: number | null = null;
  if (s.devices === 0) {
    const graceEnd = s.disconnectedSince === null ? now : s.disconnectedSince + graceMs(t);
    if (now >= graceEnd) return { presence: "offline", nextAt: releaseAt, fixedAt: null };
    fixedAt = graceEnd; // within the grace: judged as still connected
  }
  const nextAt = () => (fixedAt === null ? offlineAt : Math.min(offlineAt, fixedAt));
  const rtt = smoothedRtt(s.rtts);
  if (rtt !== null && rtt > t.unstableRttMs) return { presence: "unstable", nextAt: nextAt(), fixedAt };
  const k = t.unstableReconnects;
  const times = s.reconnectTimes;
  if (k > 0 && recentReconnects(times, now, t.reconnectWindowMs) >= k) {
    // Stays unstable until the k-th most recent reconnect leaves the window.
    const expiry = times[times.length - k] + t.reconnectWindowMs;
    fixedAt = fixedAt === null ? expiry : Math.min(fixedAt, expiry);
    return { presence: "unstable", nextAt: nextAt(), fixedAt };
  }
  return { presence: "online", nextAt: nextAt(), fixedAt };
}

/** Append to a bounded history in place (histories are at most 20 long, so shift is cheap). */
export function pushBounded(list: number[], value: number, max: number): void {
  list.push(value);
  if (list.length > max) list.shift();
}

/** Whether an RTT sample could change the presence, so the hot path can skip the full
 *  evaluation: while online, a sample at or below the threshold cannot raise the median
 *  of the latest three above it (two of those three were already at or below it). */
export function rttMayChange(current: Presence, sample: number, t: PresenceTimings): boolean {
  return current !== "online" || sample > t.unstableRttMs;
}

/** The Health view both stores answer with (copies, so callers cannot touch the state). */
export function toHealth(
  presence: Presence,
  s: { rtts: readonly number[]; reconnectTimes: readonly number[]; reconnects: number; lastTrafficAt: number | null },
  devices: readonly DeviceInfo[],
  now: number,
  t: PresenceTimings,
): Health {
  const rtts = s.rtts.slice(-RTT_HISTORY);
  return {
    presence,
    rttMs: rtts.length ? rtts[rtts.length - 1] : null,
    rttHistory: rtts,
    reconnects: s.reconnects,
    recentReconnects: recentReconnects(s.reconnectTimes, now, t.reconnectWindowMs),
    transport: devices.length ? devices[devices.length - 1].transport : null,
    devices: devices.map((d) => ({ ...d })),
    lastTrafficAt: s.lastTrafficAt,
  };
}

/** An RTT as reported by a client: finite, non-negative, capped (it is client input). */
export const sanitizeRtt = (ms: number): number | null =>
  Number.isFinite(ms) && ms >= 0 ? Math.min(Math.round(ms), 600_000) : null;

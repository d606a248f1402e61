// Node-wide handshake admission: after a restart every visitor comes back at once, and a
// node that starts thousands of handshakes together (each reads its visitor and
// conversations, then `sync` reads the history) answers all of them late: past the
// database pool's wait, past the clients' timeouts, which then retry: a collapse. So a
// handshake begins only (1) within HANDSHAKES_PER_SECOND (a token bucket holding one
// second's worth, so ordinary bursts pass) and (2) while fewer than `maxInFlight`
// handshakes are still on their way to `ready`, which adapts to what the node and its
// database really manage (a loaded machine, the one-thread embedded database). Each one
// over is refused with the time of a free slot: refusals book the schedule's next slots
// in turn, at the rate handshakes are admitted and completing, plus a little jitter, so
// the refused come back spread out, not together (no thundering herd).

/** The most a refused client is told to wait, however long the schedule has grown. */
export const ADMISSION_MAX_WAIT_MS = 30_000;
/** Random extra on each told wait, so equal slots do not land on the same millisecond. */
export const ADMISSION_JITTER_MS = 250;
/** Handshakes admitted but not yet `ready` beyond which new ones wait. */
export const ADMISSION_MAX_IN_FLIGHT = 200;
/** The completion rate assumed before any was seen, and the least one assumed (per second). */
const MIN_RATE = 50;

export interface Admission {
  /** 0: admitted now, and the caller calls done() once when that handshake ends (ready
   *  or refused); otherwise the ms to wait before coming back. */
  admit(): number;
  done(): void;
  inFlight(): number;
}

export function createAdmission(
  o: { perSecond: number; maxInFlight?: number },
  now = () => performance.now(),
  random = Math.random,
): Admission {
  const perSecond = o.perSecond > 0 ? o.perSecond : Infinity; // 0: no rate limit
  // 0 (the default) is no admission at all: measured idle on 2 CPUs, 5,000 visitors back
  // after a restart, the in-flight cap alone made the last resync later (23.6 s against
  // 15.1 s with neither), its refused clients waiting out their slots while the node idled.
  const maxInFlight = o.maxInFlight ?? (o.perSecond > 0 ? ADMISSION_MAX_IN_FLIGHT : Infinity);
  let tokens = perSecond;
  let refilledAt = now();
  /** The end of the slots already booked for refused clients (a time, ms). */
  let booked = refilledAt;
  let inFlight = 0;
  // Completions per second, over the last whole second: how fast handshakes really end.
  let windowStart = refilledAt;
  let windowDone = 0;
  let completing = MIN_RATE;

  const refuse = (t: number, slotMs: number, firstFreeAt: number) => {
    booked = Math.min(t + ADMISSION_MAX_WAIT_MS, Math.max(booked + slotMs, firstFreeAt));
    return Math.max(1, Math.round(booked - t + random() * ADMISSION_JITTER_MS));
  };

  return {
    admit() {
      const t = now();
      if (perSecond !== Infinity) {
        tokens = Math.min(perSecond, tokens + ((t - refilledAt) * perSecond) / 1000);
        refilledAt = t;
      }
      if (tokens < 1) return refuse(t, 1000 / perSecond, t + ((1 - tokens) * 1000) / perSecond);
      // Full: come back at the pace handshakes complete, never faster than the rate.
      if (inFlight >= maxInFlight) return refuse(t, Math.max(1000 / perSecond, 1000 / completing), t);
      tokens -= 1;
      inFlight++;
      return 0;
    },
    done() {
      inFlight = Math.max(0, inFlight - 1);
      const t = now();
      if (t - windowStart >= 1000) {
        completing = Math.max(MIN_RATE, (windowDone * 1000) / (t - windowStart));
        windowStart = t;
        windowDone = 0;
      }
      windowDone++;
    },
    inFlight: () => inFlight,
  };
}

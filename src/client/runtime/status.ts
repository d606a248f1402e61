// The connection states the runtime reports (and a UI shows, ui/link-status.ts), and the
// two timing rules connection.ts follows between them.

/** `attempt` counts the attempts that failed since the last stable connection: 0 on the
 * first try after page load (or after a long-lived connection dropped). */
export type Status =
  | { state: "idle" }
  | { state: "connecting"; attempt: number }
  | { state: "connected" }
  | { state: "reconnecting"; retryInSec: number; attempt: number }
  | { state: "offline" };

// A connection that lived this long was a good one: the backoff starts over after it.
// A server that accepts and drops at once keeps the backoff growing instead of being
// hammered every second by every client.
export const STABLE_MS = 10_000;

// "Retry now" during an attempt younger than this lets it finish (a slow link may need
// seconds for the handshake; restarting it on every click would never connect) and only
// skips the backoff wait if it fails. An older attempt is presumed hung and restarted.
export const FRESH_ATTEMPT_MS = 4000;

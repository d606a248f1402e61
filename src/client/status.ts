// The connection states a UI can show, and the one rule both UIs (visitor page, agent
// console) follow for the status banner: it is steady. From the first failed attempt
// until the link is back it stays up, with its "Retry now" button, whether the client is
// waiting out the backoff or attempting: nobody should have to chase a button that
// blinks in and out with every attempt, nor read a page that jumps each second.

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

/**
 * - none: nothing to say (connected, or the very first attempt of a page load);
 * - waiting: the next attempt is due in `retryInSec`;
 * - trying: an attempt is in flight after a failure or a lost connection;
 * - offline: the browser says there is no network (retrying is pointless until `online`);
 * - back: connected again after trouble (shown briefly by the UI).
 */
export type BannerKind = "none" | "waiting" | "trying" | "offline" | "back";

export function bannerKind(s: Status, everConnected: boolean, recovering: boolean): BannerKind {
  switch (s.state) {
    case "offline":
      return "offline";
    case "reconnecting":
      return "waiting";
    case "connecting":
      return s.attempt > 0 || everConnected ? "trying" : "none";
    case "connected":
      return recovering ? "back" : "none";
    default:
      return "none";
  }
}

/** Whether "Retry now" is offered: whenever the client waits to reconnect or attempts. */
export const offersRetry = (k: BannerKind) => k === "waiting" || k === "trying";

const BACK_MS = 2500;

/** Follows a UI's status changes: whether it ever connected, and whether there was
 * trouble since, so "back" shows for a moment after a recovery, then nothing. */
export class BannerState {
  everConnected = false;
  private trouble = false;
  private calm: ReturnType<typeof setTimeout> | undefined;

  /** `redraw` runs when the "back" moment is over. */
  constructor(private readonly redraw: () => void) {}

  /** Feed it every status change, before drawing. */
  update(s: Status): void {
    clearTimeout(this.calm);
    if (s.state === "connected") {
      this.everConnected = true;
      if (this.trouble) this.calm = setTimeout(() => ((this.trouble = false), this.redraw()), BACK_MS);
    } else if (bannerKind(s, this.everConnected, false) !== "none") this.trouble = true;
  }

  kind(s: Status): BannerKind {
    return bannerKind(s, this.everConnected, this.trouble);
  }
}

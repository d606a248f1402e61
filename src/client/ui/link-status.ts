// How both UIs (visitor page, agent console) show the link. The status banner is steady:
// from the first failed attempt until the link is back it stays up, with its "Retry now"
// button, whether the client is waiting out the backoff or attempting: nobody should
// have to chase a button that blinks in and out with every attempt, nor read a page that
// jumps each second. The link-quality bars bucket the heartbeat's round trip.
import type { Status } from "../runtime/status.js";

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

export type LinkQuality = "good" | "fair" | "poor" | "unknown";

/** Buckets an RTT the way people perceive chat latency (800 ms is the server's
 * "unstable" threshold in PROTOCOL.md section 4). */
export function linkQuality(rttMs: number | null): LinkQuality {
  if (rttMs == null) return "unknown";
  if (rttMs < 300) return "good";
  if (rttMs < 800) return "fair";
  return "poor";
}

// A visitor's connection health in words, for the agent: what kind of link, what went
// wrong lately, and what it means for the chat ("mobile link, 3 reconnects in 5 min,
// RTT 900 ms: messages may lag"). Pure: the panel passes what the server measured.
// Thresholds are link-status.ts's (good under 300 ms, poor over 1 s).
import type { Presence } from "../../events.js";

export interface HealthFacts {
  presence: Presence;
  rttHistory: readonly number[];
  rttMs: number | null;
  recentReconnects: number;
  transport: string | null;
  userAgent: string | null;
  /** A heartbeat the visitor's browser learned to keep under its path's idle cut. */
  keepaliveMs?: number | null;
}

const median = (xs: readonly number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

export function describeHealth(h: HealthFacts): { text: string; level: "ok" | "warn" | "bad" } {
  if (h.presence === "offline" || h.presence === "left") {
    return { text: "Not connected: your messages wait for the visitor and reach them when they are back (or by email).", level: "warn" };
  }
  const mobile = /Mobi|Android|iPhone|iPad/i.test(h.userAgent ?? "");
  const parts = [mobile ? "mobile link" : "desktop link"];
  const rtt = median(h.rttHistory) ?? h.rttMs;
  if (h.transport === "polling") parts.push("long-polling (WebSocket blocked on the way)");
  if (h.recentReconnects >= 2) parts.push(`${h.recentReconnects} reconnects in 5 min`);
  if (rtt != null) parts.push(`RTT ${rtt} ms`);
  if (h.keepaliveMs) parts.push(`its network cuts idle links, heartbeat every ${Math.round(h.keepaliveMs / 1000)} s`);

  let level: "ok" | "warn" | "bad" = "ok";
  let meaning = "messages arrive at once";
  if (h.presence === "unstable" || h.recentReconnects >= 3 || (rtt != null && rtt > 1000)) {
    level = "bad";
    meaning = "messages may lag, and typing and read receipts arrive late";
  } else if (h.recentReconnects >= 2 || (rtt != null && rtt > 300) || h.transport === "polling") {
    level = "warn";
    meaning = "chat works, a little slowly";
  } else if (rtt == null) {
    meaning = "no round trip measured yet";
  }
  const text = `${parts.join(", ")}: ${meaning}.`;
  return { text: text.charAt(0).toUpperCase() + text.slice(1), level };
}

// What a connection test found, as plain findings: pure, shared by the diagnostics page
// (which shows them in the visitor's language at once) and the server (which stores them
// with the report, and words them again in the agent's language). The thresholds are the
// ones the console's link indicator uses (ui/link-status.ts: good under 300 ms, poor over
// 1 s), so the page and the console never disagree about the same link.

export interface ProbeResult {
  /** Seconds a WebSocket was held silent; whether it was still open at the end. */
  afterSec: number;
  survived: boolean;
}

export interface DiagnosticResults {
  websocket: { ok: boolean; ms?: number; error?: string };
  polling: { ok: boolean; ms?: number; error?: string };
  /** Started on long-polling: did it move to WebSocket by itself (a proxy may strip it)? */
  upgrade: { ok: boolean };
  rtt: { samples: number[]; lost: number };
  throughput: { downKbps: number | null; upKbps: number | null };
  clockOffsetMs: number | null;
  idle: ProbeResult[];
}

export type FindingCode =
  | "ws_blocked" | "ws_downgraded" | "polling_failed" | "unreachable"
  | "rtt_high" | "rtt_fair" | "jitter_high" | "loss"
  | "slow_down" | "slow_up" | "clock_off" | "idle_cut" | "idle_cut_short" | "idle_ok" | "healthy";

export interface Finding {
  code: FindingCode;
  severity: "ok" | "warn" | "bad";
  /** Numbers the wording needs (ms, s, kbps). */
  values: Record<string, number>;
}

export interface RttStats { p50: number; p90: number; max: number; jitter: number; n: number }

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];

/** p50/p90/max and jitter (the mean change between consecutive samples, as RFC 3550). */
export function rttStats(samples: readonly number[]): RttStats | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  let moves = 0;
  for (let i = 1; i < samples.length; i++) moves += Math.abs(samples[i] - samples[i - 1]);
  const jitter = samples.length > 1 ? moves / (samples.length - 1) : 0;
  return { p50: pct(sorted, 0.5), p90: pct(sorted, 0.9), max: sorted[sorted.length - 1], jitter: Math.round(jitter), n: samples.length };
}

/** The idle time the path cuts at: between the longest silence that survived and the
 *  shortest that did not. Null when every probe survived (or none ran). */
export function idleCut(probes: readonly ProbeResult[]): { afterSec: number; survivedSec: number } | null {
  const cut = probes.filter((p) => !p.survived).map((p) => p.afterSec);
  if (cut.length === 0) return null;
  const first = Math.min(...cut);
  const survived = probes.filter((p) => p.survived && p.afterSec < first).map((p) => p.afterSec);
  return { afterSec: first, survivedSec: survived.length ? Math.max(...survived) : 0 };
}

/** What keeps the chat's connection busy: Socket.IO's pings (every OFFLINE_AFTER_MS / 3)
 *  and the heartbeat a client adapts down to, no lower than HEARTBEAT_MIN_INTERVAL_MS. */
export interface Keepalive { pingSec: number; floorSec: number }
export const DEFAULT_KEEPALIVE: Keepalive = { pingSec: 10, floorSec: 5 };

/** How often the chat will have traffic on a path with this idle cut, or null if it cannot
 *  stay under it. The cut lies after the longest silence that survived (half the first
 *  that did not, if none survived): the pings if they come sooner, else the heartbeat the
 *  client learns after a drop or two (60 % of the silence, client/runtime/keepalive.ts). */
export function keptUnder(cut: { afterSec: number; survivedSec: number }, k: Keepalive): number | null {
  const safe = cut.survivedSec > 0 ? cut.survivedSec : cut.afterSec / 2;
  if (k.pingSec <= safe) return k.pingSec;
  const learned = Math.floor(safe * 0.6);
  return learned >= k.floorSec ? learned : null;
}

export function findings(r: DiagnosticResults, keepalive: Keepalive = DEFAULT_KEEPALIVE): Finding[] {
  const out: Finding[] = [];
  if (!r.websocket.ok && !r.polling.ok) return [{ code: "unreachable", severity: "bad", values: {} }];
  if (!r.websocket.ok) out.push({ code: "ws_blocked", severity: "warn", values: {} });
  else if (r.polling.ok && !r.upgrade.ok) out.push({ code: "ws_downgraded", severity: "warn", values: {} });
  if (!r.polling.ok) out.push({ code: "polling_failed", severity: "warn", values: {} });

  const s = rttStats(r.rtt.samples);
  if (s) {
    if (s.p50 > 1000) out.push({ code: "rtt_high", severity: "bad", values: { ms: s.p50 } });
    else if (s.p50 > 300) out.push({ code: "rtt_fair", severity: "warn", values: { ms: s.p50 } });
    if (s.jitter > 150) out.push({ code: "jitter_high", severity: "warn", values: { ms: s.jitter } });
  }
  const sent = r.rtt.samples.length + r.rtt.lost;
  if (sent > 0 && r.rtt.lost / sent > 0.05) out.push({ code: "loss", severity: "warn", values: { percent: Math.round((100 * r.rtt.lost) / sent) } });
  if (r.throughput.downKbps != null && r.throughput.downKbps < 256) out.push({ code: "slow_down", severity: "warn", values: { kbps: Math.round(r.throughput.downKbps) } });
  if (r.throughput.upKbps != null && r.throughput.upKbps < 128) out.push({ code: "slow_up", severity: "warn", values: { kbps: Math.round(r.throughput.upKbps) } });
  if (r.clockOffsetMs != null && Math.abs(r.clockOffsetMs) > 60_000) out.push({ code: "clock_off", severity: "warn", values: { s: Math.round(r.clockOffsetMs / 1000) } });

  const cut = idleCut(r.idle);
  const hb = cut && keptUnder(cut, keepalive);
  if (cut && hb) out.push({ code: "idle_cut", severity: "warn", values: { s: cut.afterSec, hb } });
  else if (cut) out.push({ code: "idle_cut_short", severity: "bad", values: { s: cut.afterSec, floor: keepalive.floorSec } });
  else if (r.idle.length) out.push({ code: "idle_ok", severity: "ok", values: { s: Math.max(...r.idle.map((p) => p.afterSec)) } });

  if (!out.some((f) => f.severity !== "ok")) out.unshift({ code: "healthy", severity: "ok", values: {} });
  return out;
}

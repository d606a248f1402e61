// Pure pieces of storing a report: its id, the coarse network it came from, and the
// columns the health page groups by.
import type { DiagnosticResults } from "./findings.rules.js";
import { idleCut, rttStats } from "./findings.rules.js";

/** No 0/O, 1/I: an id read out over the phone or typed from a screenshot. */
const ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/** 8 characters (40 bits) from 8 random bytes, shown as XXXX-XXXX. */
export function reportId(bytes: Uint8Array): string {
  if (bytes.length < 8) throw new Error("reportId needs 8 random bytes");
  let s = "";
  for (let i = 0; i < 8; i++) s += ALPHABET[bytes[i] % 32];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** The /24 of an IPv4 address, the /48 of an IPv6 one: which network, not which person. */
export function networkOf(ip: string | undefined): string {
  if (!ip) return "unknown";
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.\d+$/i.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (ip.includes(":")) {
    const groups = ip.split("::")[0].split(":").filter(Boolean).slice(0, 3);
    while (groups.length < 3) groups.push("0");
    return `${groups.join(":")}::/48`;
  }
  return "unknown";
}

export function summarise(r: DiagnosticResults) {
  // The chat connects with WebSocket first (client/runtime/socket.ts), polling as the fallback.
  const transport = r.websocket.ok ? "websocket" : r.polling.ok ? "polling" : "none";
  return { transport, rttP50Ms: rttStats(r.rtt.samples)?.p50 ?? null, idleCutSec: idleCut(r.idle)?.afterSec ?? null };
}

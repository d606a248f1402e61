// Small text helpers for the console: times, durations, user agents.
import { t as tr } from "./i18n.js";

export function ago(iso: string | number | null | undefined, now = Date.now()): string {
  if (iso == null) return "—";
  const t = typeof iso === "number" ? iso : Date.parse(iso);
  if (!Number.isFinite(t)) return "—";
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return tr("js.justNow");
  if (s < 3600) return tr("js.minAgo", { n: Math.round(s / 60) });
  if (s < 86_400) return tr("js.hAgo", { n: Math.round(s / 3600) });
  return tr("js.dAgo", { n: Math.round(s / 86_400) });
}

export function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "—" : d.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

/** The visitor's wall clock, so an agent knows whether it is 3 am for them. */
export function localTimeIn(timeZone: string | null): string | null {
  if (!timeZone) return null;
  try {
    return new Intl.DateTimeFormat([], { timeZone, hour: "2-digit", minute: "2-digit" }).format(new Date());
  } catch {
    return null;
  }
}

/** "Chrome 126 on Windows": enough to picture the visitor's screen; the full string is kept as a tooltip. */
export function browserOf(ua: string | null): string {
  if (!ua) return "—";
  const b =
    /Edg\/(\d+)/.exec(ua)?.[1] ? `Edge ${/Edg\/(\d+)/.exec(ua)![1]}`
    : /Firefox\/(\d+)/.exec(ua) ? `Firefox ${/Firefox\/(\d+)/.exec(ua)![1]}`
    : /Chrome\/(\d+)/.exec(ua) ? `Chrome ${/Chrome\/(\d+)/.exec(ua)![1]}`
    : /Version\/(\d+).*Safari/.exec(ua) ? `Safari ${/Version\/(\d+)/.exec(ua)![1]}`
    : tr("js.unknownBrowser");
  const os =
    /Windows/.test(ua) ? "Windows"
    : /Android/.test(ua) ? "Android"
    : /iPhone|iPad/.test(ua) ? "iOS"
    : /Mac OS X/.test(ua) ? "macOS"
    : /Linux/.test(ua) ? "Linux"
    : "";
  return os ? `${b} on ${os}` : b;
}

export function preview(text: string, max = 80): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

// Pure parts of the reports: the period and agent filter from the query string, every
// day of the period (a day with no conversation is a zero bar, not a gap), the bar
// chart's geometry (server-rendered SVG: the CSP allows no inline script, and no CDN),
// durations as people read them, and the CSV export. Unit-tested on their own.
import { z } from "zod";
import type { AgentFigures, DayFigures, Figures, Report } from "./reports.repository.js";

const DAY_MS = 86_400_000;
export const DEFAULT_DAYS = 30;
/** A longer period is refused: one bar per day must stay readable, and the query bounded. */
export const MAX_DAYS = 366;

export interface ReportFilter {
  from: Date;
  /** The day after `to` at 00:00 UTC: `to` is inclusive. */
  toExclusive: Date;
  agentId?: string;
  /** As given (YYYY-MM-DD), for the form and the CSV link. */
  fromDay: string;
  toDay: string;
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "dates are YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "not a date");
export const ReportQuerySchema = z.strictObject({
  from: z.union([z.literal(""), day]).optional(),
  to: z.union([z.literal(""), day]).optional(),
  agent: z.string().max(64).optional(),
});

export const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/** The filter, defaulting to the last DEFAULT_DAYS days up to today (UTC). */
export function reportFilter(q: z.infer<typeof ReportQuerySchema>, now = new Date()): ReportFilter {
  const toDay = q.to || dayOf(now);
  const fromDay = q.from || dayOf(new Date(Date.parse(`${toDay}T00:00:00Z`) - (DEFAULT_DAYS - 1) * DAY_MS));
  const from = new Date(`${fromDay}T00:00:00Z`);
  const toExclusive = new Date(Date.parse(`${toDay}T00:00:00Z`) + DAY_MS);
  const days = (toExclusive.getTime() - from.getTime()) / DAY_MS;
  if (days < 1) throw new RangeError("the start date is after the end date");
  if (days > MAX_DAYS) throw new RangeError(`at most ${MAX_DAYS} days at once`);
  return { from, toExclusive, fromDay, toDay, ...(q.agent ? { agentId: q.agent } : {}) };
}

const EMPTY: Omit<Figures, never> = {
  conversations: 0, missed: 0, responded: 0, frtMedian: null, frtP90: null, resolved: 0,
  resolutionMedian: null, resolutionP90: null, csatAverage: null, csatCount: 0,
};

/** Every day of the period, in order, with the days the query had no row for as zeros. */
export function everyDay(f: ReportFilter, rows: DayFigures[]): DayFigures[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out: DayFigures[] = [];
  for (let t = f.from.getTime(); t < f.toExclusive.getTime(); t += DAY_MS) {
    const d = dayOf(new Date(t));
    out.push(byDay.get(d) ?? { day: d, ...EMPTY });
  }
  return out;
}

export interface Bar {
  x: number; width: number; answeredY: number; answeredH: number; missedY: number; missedH: number;
  day: string; conversations: number; missed: number; label: string | null;
}
/** Stacked bars per day (answered below, missed on top), in a `width` x `height` box with
 *  room for axis labels below; a label every few days so that they never overlap. */
export function chartBars(days: DayFigures[], width = 880, height = 200): { bars: Bar[]; max: number; width: number; height: number } {
  const max = Math.max(1, ...days.map((d) => d.conversations));
  const slot = width / Math.max(1, days.length);
  const every = Math.ceil(days.length / 10);
  const bars = days.map((d, i) => {
    const total = (d.conversations / max) * height;
    const missedH = (d.missed / max) * height;
    const r = (n: number) => Math.round(n * 10) / 10;
    return {
      x: r(i * slot + slot * 0.15), width: r(Math.max(1, slot * 0.7)),
      answeredY: r(height - total + missedH), answeredH: r(total - missedH), missedY: r(height - total), missedH: r(missedH),
      day: d.day, conversations: d.conversations, missed: d.missed,
      label: i % every === 0 ? d.day.slice(5) : null,
    };
  });
  return { bars, max, width, height };
}

/** Seconds as "45 s", "12 min", "3.5 h", "2.1 d"; null as a dash. */
export function duration(s: number | null): string {
  if (s === null) return "—";
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

const cell = (v: string | number | null) => {
  if (v === null) return "";
  const s = String(v);
  // Quote what CSV needs quoted, and defuse formulas (a name starting with = or +).
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === "string" ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
const secs = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

export const CSV_HEADER = [
  "scope", "key", "name", "conversations", "missed", "responded", "first_response_median_s", "first_response_p90_s",
  "resolved", "resolution_median_s", "resolution_p90_s", "csat_average", "csat_count",
];
function figureCells(f: Figures) {
  return [f.conversations, f.missed, f.responded, secs(f.frtMedian), secs(f.frtP90), f.resolved,
    secs(f.resolutionMedian), secs(f.resolutionP90), f.csatAverage === null ? null : Math.round(f.csatAverage * 100) / 100, f.csatCount];
}

/** One table: the period's total, then one row per agent, per day, per rating and per label. */
export function reportCsv(r: Omit<Report, "perLabel"> & Partial<Pick<Report, "perLabel">>, days: DayFigures[]): string {
  const rows: (string | number | null)[][] = [CSV_HEADER];
  rows.push(["total", "", "", ...figureCells(r.totals)]);
  for (const a of r.perAgent as AgentFigures[]) rows.push(["agent", a.agentId ?? "", a.agentName ?? "(unassigned)", ...figureCells(a)]);
  for (const d of days) rows.push(["day", d.day, "", ...figureCells(d)]);
  for (const d of r.distribution) rows.push(["csat", String(d.rating), "", d.count, ...Array(CSV_HEADER.length - 4).fill(null)]);
  for (const l of r.perLabel ?? []) rows.push(["label", l.id, l.name, l.conversations, ...Array(CSV_HEADER.length - 4).fill(null)]);
  return rows.map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

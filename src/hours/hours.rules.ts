// Business hours as a pure rule: is the team open at an instant, and when does that next
// change? The schedule is wall-clock time in one IANA timezone (what an admin means by
// "Mon-Fri 09:00-17:30"), so every answer goes through Intl's view of that zone: DST
// gaps and repeated hours are whatever the zone's wall clock says at the instant.

/** Minutes since local midnight: [from, to), 0 <= from < to <= 1440. */
export interface Interval { from: number; to: number }
export interface Schedule {
  enabled: boolean;
  timezone: string;
  /** Index 0 = Sunday ... 6 = Saturday (Date's numbering). */
  week: Interval[][];
  /** Local dates "YYYY-MM-DD", closed all day. */
  holidays: string[];
}
export interface HoursState {
  open: boolean;
  /** The next instant (ms) at which `open` flips; null: never within a year (or always open). */
  nextChangeAt: number | null;
}

interface Wall { date: string; weekday: number; minute: number; offsetMs: number }

const formats = new Map<string, Intl.DateTimeFormat>();
function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", weekday: "short",
    });
    formats.set(tz, f);
  }
  return f;
}
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

export function isTimezone(tz: string): boolean {
  try {
    format(tz);
    return true;
  } catch {
    return false;
  }
}

/** The zone's wall clock at `t`: local date, weekday, fractional minute of the day, offset. */
export function wallClock(tz: string, t: number): Wall {
  const p: Record<string, string> = {};
  for (const part of format(tz).formatToParts(t)) p[part.type] = part.value;
  const [y, mo, d, h, mi, s] = [p.year, p.month, p.day, p.hour, p.minute, p.second].map(Number);
  const ms = ((t % 1000) + 1000) % 1000;
  const offsetMs = Date.UTC(y, mo - 1, d, h, mi, s) - (t - ms);
  return { date: `${p.year}-${p.month}-${p.day}`, weekday: WEEKDAYS.indexOf(p.weekday), minute: h * 60 + mi + s / 60 + ms / 60_000, offsetMs };
}

function openAt(s: Schedule, w: Wall): boolean {
  if (s.holidays.includes(w.date)) return false;
  return (s.week[w.weekday] ?? []).some((i) => w.minute >= i.from && w.minute < i.to);
}

/** The next minute of the day after `minute` where some interval starts or ends (or midnight). */
function nextBoundary(s: Schedule, w: Wall): number {
  let b = 1440;
  for (const i of s.week[w.weekday] ?? []) for (const m of [i.from, i.to]) if (m > w.minute && m < b) b = m;
  return b;
}

/** The first instant (to the ms) in (a, b] whose offset is not a's; b's offset differs from a's. */
function offsetChange(tz: string, a: number, b: number): number {
  const before = wallClock(tz, a).offsetMs;
  while (b - a > 1) {
    const mid = a + Math.floor((b - a) / 2);
    if (wallClock(tz, mid).offsetMs === before) a = mid;
    else b = mid;
  }
  return b;
}

const HORIZON_MS = 400 * 86_400_000;

export function hoursAt(s: Schedule, now: number): HoursState {
  if (!s.enabled) return { open: true, nextChangeAt: null };
  const open = openAt(s, wallClock(s.timezone, now));
  if (!s.week.some((day) => day.length)) return { open, nextChangeAt: null }; // never opens: no walk
  let t = now;
  // Walk from boundary to boundary of the wall clock; where the zone's offset changes on
  // the way (DST), stop at the change itself: the wall clock jumps there.
  while (t - now < HORIZON_MS) {
    const w = wallClock(s.timezone, t);
    let next = t + Math.max(1, Math.round((nextBoundary(s, w) - w.minute) * 60_000));
    if (wallClock(s.timezone, next).offsetMs !== w.offsetMs) next = offsetChange(s.timezone, t, next);
    t = next;
    if (openAt(s, wallClock(s.timezone, t)) !== open) return { open, nextChangeAt: t };
  }
  return { open, nextChangeAt: null };
}

// What an admin may store as business hours (the "hours" setting). The stored shape is
// the rule's Schedule; the admin form sends one text field per weekday
// ("09:00-12:00, 13:00-17:30"), a timezone and a textarea of holiday dates. The same
// stored schema checks what is read back, so a hand-edited row cannot reach the rule.
import { z } from "zod";
import { isTimezone, type Schedule } from "./hours.rules.js";

const interval = z.strictObject({ from: z.int().min(0).max(1439), to: z.int().min(1).max(1440) })
  .refine((i) => i.from < i.to, "an interval must end after it starts");
const DATE_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const timezone = z.string().trim().min(1, "timezone is required").max(64)
  .refine(isTimezone, "timezone must be an IANA name such as Europe/Paris");

export const HoursSchema: z.ZodType<Schedule> = z.strictObject({
  enabled: z.boolean(),
  timezone,
  week: z.array(z.array(interval).max(8)).length(7),
  holidays: z.array(z.string().regex(DATE_RE)).max(366),
});

export const DEFAULT_HOURS: Schedule = {
  enabled: false,
  timezone: "UTC",
  week: [[], ...Array.from({ length: 5 }, () => [{ from: 9 * 60, to: 17 * 60 + 30 }]), []],
  holidays: [],
};

/** The form's field per weekday, Monday first as people write weeks. */
export const DAY_FIELDS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const INDEX: Record<(typeof DAY_FIELDS)[number], number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const hhmm = (s: string) => {
  const m = /^([01]?\d|2[0-4]):([0-5]\d)$/.exec(s);
  return m && (Number(m[1]) < 24 || m[2] === "00") ? Number(m[1]) * 60 + Number(m[2]) : null;
};
const dayText = (label: string) =>
  z.string().max(200).transform((text, ctx) => {
    const out: { from: number; to: number }[] = [];
    for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
      const [a, b, extra] = part.split("-").map((x) => hhmm(x.trim()));
      if (a === null || b === null || a === undefined || b === undefined || extra !== undefined || a >= b) {
        ctx.addIssue({ code: "custom", message: `${label}: "${part}" is not like 09:00-17:30` });
        return z.NEVER;
      }
      out.push({ from: a, to: b });
    }
    return out.sort((x, y) => x.from - y.from);
  });

export const HoursFormSchema = z
  .strictObject({
    enabled: z.literal("on").optional(),
    timezone,
    ...Object.fromEntries(DAY_FIELDS.map((d) => [d, dayText(d)])) as Record<(typeof DAY_FIELDS)[number], ReturnType<typeof dayText>>,
    holidays: z.string().max(366 * 12).transform((s) => [...new Set(s.split(/[\r\n,]+/).map((l) => l.trim()).filter(Boolean))])
      .pipe(z.array(z.string().regex(DATE_RE, "holidays are dates like 2026-12-25, one per line")).max(366)),
  })
  .transform((f): Schedule => {
    const week: Schedule["week"] = [[], [], [], [], [], [], []];
    for (const d of DAY_FIELDS) week[INDEX[d]] = f[d];
    return { enabled: f.enabled === "on", timezone: f.timezone, week, holidays: f.holidays.sort() };
  });

/** The stored schedule as the form shows it. */
export function toForm(s: Schedule): Record<string, string | boolean> {
  const t = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  const out: Record<string, string | boolean> = { enabled: s.enabled, timezone: s.timezone, holidays: s.holidays.join("\n") };
  for (const d of DAY_FIELDS) out[d] = s.week[INDEX[d]].map((i) => `${t(i.from)}-${t(i.to)}`).join(", ");
  return out;
}

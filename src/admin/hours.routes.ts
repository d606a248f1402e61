// /admin/hours: the team's weekly schedule, its timezone and its holidays. Off by default
// (always open). Outside the hours the widget and page show the offline state with the
// admin's offline message, and new conversations wait in the queue.
import { Router } from "express";
import { parseBody } from "../lib/http.js";
import type { BusinessHours } from "../hours/hours.service.js";
import { DAY_FIELDS, HoursFormSchema, toForm } from "../hours/hours.schemas.js";
import { formAction, type Render } from "./forms.js";

const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** An instant as the team's wall clock reads it, for the status line. */
function inZone(t: number, timezone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: timezone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(t);
}

export function hoursAdminRoutes(hours: BusinessHours) {
  const r = Router();
  const timezones = Intl.supportedValuesOf("timeZone");

  const page: Render = async (_req, res, status, extra) => {
    const schedule = hours.schedule();
    const { open, nextChangeAt } = hours.state();
    const status_ = !schedule.enabled
      ? "Business hours are off: the chat is open at all times."
      : `${open ? "Open" : "Closed"} now (${inZone(hours.now(), schedule.timezone)}, ${schedule.timezone})` +
        (nextChangeAt === null ? "." : `; ${open ? "closes" : "opens"} ${inZone(nextChangeAt, schedule.timezone)}.`);
    res.status(status).render("admin/hours", {
      nav: "hours", hours: toForm(schedule), days: DAY_FIELDS.map((key, i) => ({ key, name: DAY_NAMES[i] })), timezones,
      status: status_, error: null, values: null, form: null, ...extra,
    });
  };
  r.get("/admin/hours", (req, res) => page(req, res, 200, {}));
  r.post("/admin/hours", formAction(page, "hours", "/admin/hours", async (req, t) => {
    const s = await hours.save(parseBody(HoursFormSchema, req.body));
    return t(s.enabled ? "notice.hoursOn" : "notice.hoursOff");
  }));
  return r;
}

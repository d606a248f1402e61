// The business-hours rule on its own: open or closed at an instant and when that next
// changes, in real IANA zones (Intl), across DST gaps and repeated hours, on holidays,
// over midnight and across the week.
import assert from "node:assert/strict";
import { hoursAt, isTimezone, wallClock, type Schedule } from "../../src/hours/hours.rules.js";
import { HoursFormSchema, HoursSchema, toForm } from "../../src/hours/hours.schemas.js";

const H = (h: number, m = 0) => h * 60 + m;
const weekdays = (from: number, to: number): Schedule["week"] => [[], ...Array.from({ length: 5 }, () => [{ from, to }]), []];
const sched = (s: Partial<Schedule>): Schedule => ({ enabled: true, timezone: "Europe/Paris", week: weekdays(H(9), H(17, 30)), holidays: [], ...s });
const at = (iso: string) => Date.parse(iso);
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

describe("business hours rule", () => {
  it("is always open while switched off (no schedule: today's behaviour)", () => {
    assert.deepEqual(hoursAt(sched({ enabled: false, week: [[], [], [], [], [], [], []] }), at("2026-03-01T03:00:00Z")), { open: true, nextChangeAt: null });
  });

  it("Mon-Fri 09:00-17:30 in Paris: open, closed, and the next change each way", () => {
    const s = sched({});
    // Wed 2026-01-14 10:00 Paris (UTC+1) = 09:00Z: open until 17:30 = 16:30Z.
    assert.deepEqual(mapIso(hoursAt(s, at("2026-01-14T09:00:00Z"))), { open: true, nextChangeAt: "2026-01-14T16:30:00.000Z" });
    // 17:30 sharp is closed (intervals are [from, to)); opens Thursday 09:00 = 08:00Z.
    assert.deepEqual(mapIso(hoursAt(s, at("2026-01-14T16:30:00Z"))), { open: false, nextChangeAt: "2026-01-15T08:00:00.000Z" });
    // Friday evening: closed over the weekend until Monday 09:00.
    assert.deepEqual(mapIso(hoursAt(s, at("2026-01-16T18:00:00Z"))), { open: false, nextChangeAt: "2026-01-19T08:00:00.000Z" });
    // A second before opening: closed, and the change is one second away.
    assert.deepEqual(mapIso(hoursAt(s, at("2026-01-19T07:59:59Z"))), { open: false, nextChangeAt: "2026-01-19T08:00:00.000Z" });
  });

  it("several intervals a day, and a day open to midnight running into the next", () => {
    const week: Schedule["week"] = [[], [{ from: H(9), to: H(12) }, { from: H(13), to: H(24) }], [{ from: H(0), to: H(2) }], [], [], [], []];
    const s = sched({ timezone: "UTC", week });
    assert.deepEqual(mapIso(hoursAt(s, at("2026-01-12T12:30:00Z"))), { open: false, nextChangeAt: "2026-01-12T13:00:00.000Z" }); // lunch
    // Monday 13:00 to Tuesday 02:00 is one open stretch: midnight is no change.
    assert.deepEqual(mapIso(hoursAt(s, at("2026-01-12T20:00:00Z"))), { open: true, nextChangeAt: "2026-01-13T02:00:00.000Z" });
  });

  it("a holiday is closed all day, local date: the next opening skips it", () => {
    const s = sched({ holidays: ["2026-12-25"] });
    // Fri 2026-12-25 10:00 Paris: closed; Christmas on Friday, so the next opening is Monday the 28th.
    assert.deepEqual(mapIso(hoursAt(s, at("2026-12-25T09:00:00Z"))), { open: false, nextChangeAt: "2026-12-28T08:00:00.000Z" });
    // Thursday 24th, open: closes at 17:30 as usual.
    assert.deepEqual(mapIso(hoursAt(s, at("2026-12-24T09:00:00Z"))), { open: true, nextChangeAt: "2026-12-24T16:30:00.000Z" });
    // The holiday is the team's date: 2026-12-24T23:30Z is already the 25th in Tokyo.
    const tokyo = sched({ timezone: "Asia/Tokyo", week: Array.from({ length: 7 }, () => [{ from: 0, to: H(24) }]), holidays: ["2026-12-25"] });
    assert.equal(hoursAt(tokyo, at("2026-12-24T14:59:00Z")).open, true);
    assert.deepEqual(mapIso(hoursAt(tokyo, at("2026-12-24T15:00:00Z"))), { open: false, nextChangeAt: "2026-12-25T15:00:00.000Z" });
  });

  it("DST spring forward: hours in wall-clock time, the offset changes under them", () => {
    const s = sched({ timezone: "America/New_York" });
    // Friday 2026-03-06 17:30 EST = 22:30Z; Monday 2026-03-09 09:00 EDT (after Sunday's change) = 13:00Z, not 14:00Z.
    assert.deepEqual(mapIso(hoursAt(s, at("2026-03-06T23:00:00Z"))), { open: false, nextChangeAt: "2026-03-09T13:00:00.000Z" });
  });

  it("DST gap: an interval starting in the skipped hour opens at the jump itself", () => {
    // Paris, Sunday 2026-03-29: 02:00 becomes 03:00 (01:00Z). Open 02:30-04:00 wall time.
    const s = sched({ week: [[{ from: H(2, 30), to: H(4) }], [], [], [], [], [], []] });
    const r = hoursAt(s, at("2026-03-29T00:30:00Z")); // 01:30 CET
    assert.deepEqual(mapIso(r), { open: false, nextChangeAt: "2026-03-29T01:00:00.000Z" });
    assert.equal(wallClock("Europe/Paris", r.nextChangeAt!).minute, H(3)); // 03:00 CEST, inside 02:30-04:00
    assert.deepEqual(mapIso(hoursAt(s, r.nextChangeAt!)), { open: true, nextChangeAt: "2026-03-29T02:00:00.000Z" }); // 04:00 CEST
  });

  it("DST fall back: the repeated hour is open twice when the wall clock says so", () => {
    // Paris, Sunday 2026-10-25: 03:00 CEST becomes 02:00 CET (at 01:00Z). Open 00:00-02:30.
    const s = sched({ week: [[{ from: 0, to: H(2, 30) }], [], [], [], [], [], []] });
    // 02:30 CEST (00:30Z): closes; the clock falls back to 02:00 at 01:00Z: open again until 02:30 CET (01:30Z).
    assert.deepEqual(mapIso(hoursAt(s, at("2026-10-25T00:00:00Z"))), { open: true, nextChangeAt: "2026-10-25T00:30:00.000Z" });
    assert.deepEqual(mapIso(hoursAt(s, at("2026-10-25T00:30:00Z"))), { open: false, nextChangeAt: "2026-10-25T01:00:00.000Z" });
    assert.deepEqual(mapIso(hoursAt(s, at("2026-10-25T01:00:00Z"))), { open: true, nextChangeAt: "2026-10-25T01:30:00.000Z" });
    // A normal 09:00 opening on Monday after the change: 09:00 CET = 08:00Z.
    const office = sched({});
    assert.deepEqual(mapIso(hoursAt(office, at("2026-10-23T17:00:00Z"))), { open: false, nextChangeAt: "2026-10-26T08:00:00.000Z" });
  });

  it("no open interval at all: closed, with no change in sight", () => {
    assert.deepEqual(hoursAt(sched({ week: [[], [], [], [], [], [], []] }), at("2026-01-14T09:00:00Z")), { open: false, nextChangeAt: null });
  });

  it("the admin form: parsed, validated, and shown back as typed", () => {
    const form = { _unused: undefined, enabled: "on", timezone: "Asia/Shanghai", mon: "13:00-17:30, 09:00-12:00", tue: "09:00-17:30",
      wed: "", thu: "", fri: "08:00-24:00", sat: "", sun: "", holidays: "2026-10-01\r\n2026-02-17\n2026-10-01" };
    delete (form as { _unused?: unknown })._unused;
    const s = HoursFormSchema.parse(form);
    assert.deepEqual(s.week[1], [{ from: H(9), to: H(12) }, { from: H(13), to: H(17, 30) }]);
    assert.deepEqual(s.week[5], [{ from: H(8), to: H(24) }]);
    assert.deepEqual(s.holidays, ["2026-02-17", "2026-10-01"]);
    assert.equal(HoursSchema.safeParse(s).success, true);
    assert.equal(toForm(s).mon, "09:00-12:00, 13:00-17:30");
    for (const [bad, msg] of [
      [{ timezone: "Mars/Olympus" }, /IANA/], [{ mon: "9-5" }, /not like 09:00-17:30/], [{ mon: "17:00-09:00" }, /not like/],
      [{ mon: "24:30-25:00" }, /not like/], [{ holidays: "25/12/2026" }, /dates like/], [{ extra: "x" }, /extra|Unrecognized/i],
    ] as [object, RegExp][]) {
      const r = HoursFormSchema.safeParse({ ...form, ...bad });
      assert.equal(r.success, false, JSON.stringify(bad));
      assert.match(r.error!.issues.map((i) => i.message).join("; "), msg);
    }
    assert.equal(HoursFormSchema.parse({ ...form, enabled: undefined }).enabled, false);
    assert.ok(isTimezone("UTC") && !isTimezone("Nowhere/Land"));
  });
});

function mapIso(r: { open: boolean; nextChangeAt: number | null }) {
  return { open: r.open, nextChangeAt: iso(r.nextChangeAt) };
}

// The pure parts of the reports and of the write path's marks.
import assert from "node:assert/strict";
import { responseMarks } from "../../src/conversations/response-marks.js";
import { chartBars, duration, everyDay, reportCsv, reportFilter } from "../../src/reports/reports.rules.js";

describe("reports rules", () => {
  it("defaults to the last 30 days up to today, to inclusive; refuses reversed and over-long periods", () => {
    const f = reportFilter({}, new Date("2026-12-02T15:00:00Z"));
    assert.equal(f.fromDay, "2026-11-03");
    assert.equal(f.toDay, "2026-12-02");
    assert.equal(f.toExclusive.toISOString(), "2026-12-03T00:00:00.000Z");
    assert.equal(everyDay(f, []).length, 30);
    assert.throws(() => reportFilter({ from: "2026-11-05", to: "2026-11-04" }), RangeError);
    assert.throws(() => reportFilter({ from: "2024-01-01", to: "2026-01-01" }), RangeError);
    assert.equal(reportFilter({ from: "2026-11-04", to: "2026-11-04" }).toExclusive.toISOString(), "2026-11-05T00:00:00.000Z");
  });

  it("marks a first answer only after a visitor message, in batch order", () => {
    const m = responseMarks([
      { conversationId: "a", senderType: "agent" }, { conversationId: "a", senderType: "visitor" },
      { conversationId: "b", senderType: "agent" }, { conversationId: "c", senderType: "system" },
      { conversationId: "c", senderType: "agent" },
    ], new Set(["b"]));
    assert.deepEqual(Object.fromEntries(m), {
      a: { visitor: true, responded: false }, b: { visitor: false, responded: true }, c: { visitor: false, responded: false },
    });
    assert.deepEqual(responseMarks([{ conversationId: "a", senderType: "visitor" }, { conversationId: "a", senderType: "agent" }], new Set()).get("a"),
      { visitor: true, responded: true });
  });

  it("formats durations, scales bars, and writes safe CSV", () => {
    assert.deepEqual([duration(null), duration(45), duration(900), duration(9000), duration(200_000)], ["—", "45 s", "15 min", "2.5 h", "2.3 d"]);
    const f = reportFilter({ from: "2026-11-01", to: "2026-11-02" });
    const zero = { conversations: 0, missed: 0, responded: 0, frtMedian: null, frtP90: null, resolved: 0, resolutionMedian: null, resolutionP90: null, csatAverage: null, csatCount: 0 };
    const days = everyDay(f, [{ ...zero, day: "2026-11-02", conversations: 4, missed: 1 }]);
    const { bars } = chartBars(days, 200, 100);
    assert.deepEqual(bars.map((b) => [b.answeredH, b.missedH, b.missedY]), [[0, 0, 100], [75, 25, 0]]);
    const csv = reportCsv({
      totals: zero, perDay: [], distribution: [{ rating: 1, count: 0 }],
      perAgent: [{ ...zero, agentId: "x", agentName: '=HYPERLINK("evil"), "Bob"' }],
    }, days);
    assert.match(csv, /^agent,x,"'=HYPERLINK\(""evil""\), ""Bob""",0,/m);
  });

  it("lists the conversations per label in the CSV (a name like a formula defused)", () => {
    const zero = { conversations: 0, missed: 0, responded: 0, frtMedian: null, frtP90: null, resolved: 0, resolutionMedian: null, resolutionP90: null, csatAverage: null, csatCount: 0 };
    const csv = reportCsv({
      totals: zero, perDay: [], distribution: [], perAgent: [],
      perLabel: [{ id: "l1", name: "Billing", colour: "#16a34a", conversations: 3 }, { id: "l2", name: "=cmd", colour: "#dc2626", conversations: 1 }],
    }, []);
    assert.match(csv, /^label,l1,Billing,3,,,,,,,,,\r$/m);
    assert.match(csv, /^label,l2,'=cmd,1,/m);
  });
});

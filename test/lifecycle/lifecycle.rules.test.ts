// The lifecycle's pure rules: what a snooze's `until` may be, and the sweep's period.
import assert from "node:assert/strict";
import { MAX_SNOOZE_MS, snoozeUntil, sweepEveryMs } from "../../src/lifecycle/lifecycle.rules.js";
import { AppError } from "../../src/lib/errors.js";

const NOW = Date.parse("2026-12-02T10:00:00Z");
const refused = (until: string) =>
  assert.throws(() => snoozeUntil(until, NOW), (e: unknown) => e instanceof AppError && e.code === "VALIDATION", until);

describe("lifecycle.rules", () => {
  it("no time: until the visitor's next message", () => {
    assert.equal(snoozeUntil(undefined, NOW), null);
    assert.equal(snoozeUntil(null, NOW), null);
  });

  it("a future ISO time with a zone, within a year", () => {
    assert.equal(snoozeUntil("2026-12-02T11:00:00Z", NOW)!.getTime(), NOW + 3600_000);
    assert.equal(snoozeUntil("2026-12-02T13:00:00+02:00", NOW)!.getTime(), NOW + 3600_000);
    assert.equal(snoozeUntil("2026-12-02T10:00:00.500Z", NOW)!.getTime(), NOW + 500);
    assert.equal(snoozeUntil(new Date(NOW + MAX_SNOOZE_MS).toISOString(), NOW)!.getTime(), NOW + MAX_SNOOZE_MS);
  });

  it("refuses the past, now, more than a year ahead, no zone, and what is not a time", () => {
    for (const bad of ["2026-12-02T09:59:59Z", "2026-12-02T10:00:00Z", new Date(NOW + MAX_SNOOZE_MS + 1000).toISOString(),
      "2026-12-02T11:00:00", "2026-12-02", "tomorrow", "", "2026-13-45T99:00:00Z", "1733133600000"]) refused(bad);
  });

  it("the sweep runs every tenth of AUTO_RESOLVE_AFTER_MS, between 100 ms and 5 s", () => {
    assert.equal(sweepEveryMs(86_400_000), 5000);
    assert.equal(sweepEveryMs(20_000), 2000);
    assert.equal(sweepEveryMs(2500), 250);
    assert.equal(sweepEveryMs(100), 100);
  });
});

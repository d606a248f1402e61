// The group commit's pace rule (conversations/write-pace.ts): pure, the time given.
import assert from "node:assert/strict";
import { createRateMeter, paceFor } from "../../src/conversations/write-pace.js";

describe("write pace", () => {
  const bounds = { minMs: 5, maxMs: 20 };

  it("keeps the least pace at a light load and grows to the most under a heavy one", () => {
    assert.equal(paceFor(0, bounds), 5);
    assert.equal(paceFor(300, bounds), 5);
    assert.equal(paceFor(1000, bounds), 10);
    assert.equal(paceFor(2000, bounds), 20);
    assert.equal(paceFor(8000, bounds), 20);
  });

  it("is fixed when the most is not above the least (WRITE_PACE_MAX_MS at or below WRITE_PACE_MS)", () => {
    assert.equal(paceFor(8000, { minMs: 5, maxMs: 5 }), 5);
    assert.equal(paceFor(8000, { minMs: 10, maxMs: 0 }), 10);
    assert.equal(paceFor(8000, { minMs: 0, maxMs: 0 }), 0, "0 and 0: no pacing at all");
  });

  /** A meter that has seen a second of `perTick` sends every 10 ms. */
  function busyMeter(perTick: number) {
    const m = createRateMeter(200);
    m.sample(0);
    for (let t = 10; t <= 1000; t += 10) {
      for (let i = 0; i < perTick; i++) m.arrived();
      m.sample(t);
    }
    return m;
  }

  it("measures the rate of sends from a counter read at each batch start", () => {
    const m = busyMeter(20); // 2,000 a second
    assert.ok(Math.abs(m.rate() - 2000) < 20, `rate ${m.rate()}`);
  });

  it("follows a change of load within a few hundred ms", () => {
    const m = createRateMeter(200);
    let t = 0;
    m.sample(t);
    const run = (perTick: number, ms: number) => {
      for (const end = t + ms; t < end; ) {
        t += 10;
        for (let i = 0; i < perTick; i++) m.arrived();
        m.sample(t);
      }
    };
    run(40, 1000); // 4,000 a second
    run(1, 600); // then 100 a second
    assert.ok(m.rate() < 400, `still ${m.rate().toFixed(0)}/s 600 ms after the load fell`);
  });

  it("after a long quiet interval reads near zero, so the next lone send is not paced", () => {
    const m = busyMeter(40);
    m.arrived();
    m.sample(61_000);
    assert.ok(m.rate() < 1, `rate ${m.rate()}`);
    assert.equal(paceFor(m.rate(), bounds), 5);
  });
});

// Waits that share one timeout on one timer (src/limits/deadlines.ts): a wait ended in
// time is never called late, open waits expire oldest first, and none is kept after.
import assert from "node:assert/strict";
import { createDeadlines } from "../../src/limits/deadlines.js";
import { sleep } from "../helpers/clients.js";

describe("shared deadlines", () => {
  it("calls late only for the waits still open after the timeout, oldest first", async () => {
    // The waits' ages come from this clock, so a loaded machine's late timers change nothing.
    let t = 0;
    const d = createDeadlines(50, () => t);
    const late: string[] = [];
    const endA = d.start(() => late.push("a"));
    t = 30;
    d.start(() => late.push("b"));
    const endC = d.start(() => late.push("c"));
    assert.equal(endC(), true, "ended in time");
    assert.equal(endC(), false, "ends once");
    t = 60; // a is past its timeout, b is not
    await sleep(80);
    assert.deepEqual(late, ["a"]);
    assert.equal(endA(), false, "a was already late");
    t = 100;
    await sleep(80);
    assert.deepEqual(late, ["a", "b"]);
    assert.equal(d.size(), 0);
  });

  it("keeps working after it fell idle", async () => {
    const d = createDeadlines(10);
    const late: number[] = [];
    d.start(() => late.push(1));
    await sleep(30);
    const end = d.start(() => late.push(2));
    d.start(() => late.push(3));
    end();
    await sleep(30);
    assert.deepEqual(late, [1, 3]);
  });
});

// The queue's run scheduler (src/lib/serial-runs.ts): one run at a time, requests made
// during a run share the next one, and a request is served by the first run that starts
// after it, never by a chain that later requests keep extending.
import assert from "node:assert/strict";
import { serialRuns } from "../../src/lib/serial-runs.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A task that takes `ms`, numbers its runs from 1 and records how many overlap. */
function counted(ms: number, fail = (_n: number) => false) {
  const s = { started: 0, active: 0, maxActive: 0 };
  const task = async () => {
    const n = ++s.started;
    s.active++;
    s.maxActive = Math.max(s.maxActive, s.active);
    await sleep(ms);
    s.active--;
    if (fail(n)) throw new Error(`run ${n} failed`);
    return n;
  };
  return { s, task };
}

describe("serial runs", () => {
  it("a burst of requests during a run costs one more run, shared by all of them", async () => {
    const { s, task } = counted(30);
    const first = serialRuns(task);
    const a = first();
    await sleep(5); // run 1 is under way
    const burst = Array.from({ length: 100 }, () => first());
    assert.deepEqual([await a, ...new Set(await Promise.all(burst))], [1, 2]);
    assert.equal(s.started, 2);
    assert.equal(s.maxActive, 1, "never two runs at once");
  });

  it("under a steady stream of requests each is served by the next run to start, not by a chain", async () => {
    const { s, task } = counted(15);
    const request = serialRuns(task);
    const served: { startedBefore: number; by: number }[] = [];
    const all: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      const startedBefore = s.started;
      all.push(request().then((by) => void served.push({ startedBefore, by })));
      await sleep(3);
    }
    await Promise.all(all);
    for (const x of served) assert.equal(x.by, x.startedBefore + 1, `served by run ${x.by}, ${x.startedBefore} had started`);
    assert.ok(s.started < 30, `${s.started} runs for 60 requests`);
    assert.equal(s.maxActive, 1);
  });

  it("`again` runs once more on its own, until it says no", async () => {
    const { s, task } = counted(5);
    const request = serialRuns(task, (n) => n < 3);
    assert.equal(await request(), 1);
    await sleep(60);
    assert.equal(s.started, 3, "runs 2 and 3 followed on their own, then nothing");
    assert.equal(await request(), 4);
  });

  it("a failed run rejects the requests it served only; a failed run nobody awaited is harmless", async () => {
    // Run 1 asks for run 2, which fails with nobody waiting for it (mocha fails a test on
    // an unhandled rejection); run 3 then serves a new request as usual.
    const { s, task } = counted(5, (n) => n === 2 || n === 4);
    const request = serialRuns(task, (n) => n === 1);
    assert.equal(await request(), 1);
    await sleep(40);
    assert.equal(s.started, 2);
    assert.equal(await request(), 3);
    await assert.rejects(request(), /run 4 failed/);
    assert.equal(await request(), 5, "a failure does not stop later runs");
  });
});

// The deadline heap: order, rescheduling, cancel, batching, one timer, never early.
import assert from "node:assert/strict";
import { TimingWheel } from "../../src/presence/timing-wheel.js";
import { sleep } from "./helpers.js";

describe("TimingWheel", () => {
  it("fires due keys in deadline order, never early, and honours reschedule and cancel", async () => {
    const fired: Array<[string, number]> = [];
    const w = new TimingWheel<string>((keys) => keys.forEach((k) => fired.push([k, Date.now()])), Date.now, 5);
    const t0 = Date.now();
    const want: Record<string, number> = { a: t0 + 60, b: t0 + 20, c: t0 + 40, d: t0 + 30 };
    for (const [k, at] of Object.entries(want)) w.schedule(k, at);
    w.schedule("c", t0 + 10); // earlier
    want.c = t0 + 10;
    w.schedule("b", t0 + 50); // later
    want.b = t0 + 50;
    w.cancel("d");
    assert.equal(w.size, 3);
    await sleep(120);
    assert.deepEqual(fired.map(([k]) => k), ["c", "b", "a"]);
    for (const [k, when] of fired) assert.ok(when >= want[k], `${k} fired ${want[k] - when} ms early`);
    assert.equal(w.size, 0);
    w.close();
  });

  it("handles many keys with random updates and keeps the heap consistent", async () => {
    const fired: number[] = [];
    const w = new TimingWheel<number>((keys) => fired.push(...keys), Date.now, 10);
    const t0 = Date.now();
    const at = new Map<number, number>();
    for (let i = 0; i < 5_000; i++) {
      const k = i % 1_000;
      if (i % 7 === 0) (w.cancel(k), at.delete(k));
      else (w.schedule(k, t0 + 20 + ((i * 7919) % 80)), at.set(k, t0 + 20 + ((i * 7919) % 80)));
    }
    assert.equal(w.size, at.size);
    await sleep(150);
    assert.equal(fired.length, at.size);
    assert.equal(new Set(fired).size, at.size);
    w.close();
  });

  it("lets a callback schedule again, and close stops everything", async () => {
    let n = 0;
    const w: TimingWheel<string> = new TimingWheel<string>(() => {
      if (++n < 3) w.schedule("x", Date.now() + 10);
    });
    w.schedule("x", Date.now() + 10);
    await sleep(100);
    assert.equal(n, 3);
    w.schedule("y", Date.now() + 10);
    w.close();
    await sleep(40);
    assert.equal(n, 3);
  });
});

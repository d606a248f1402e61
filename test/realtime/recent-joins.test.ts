// The window after a join during which a node's events of a conversation still go to every
// node (realtime/recent-joins.ts): open for 3 s after the join, per conversation, renewed by
// a new join, and its memory swept once it holds many expired entries.
import assert from "node:assert/strict";
import { createRecentJoins } from "../../src/realtime/recent-joins.js";

describe("recent joins (cluster fan-out)", () => {
  it("holds a conversation for 3 s after its join, then lets it go to its channel", () => {
    let t = 1000;
    const r = createRecentJoins(() => t);
    assert.equal(r.has("c1"), false);
    r.joined(["c1", "c2"]);
    t += 2999;
    assert.equal(r.has("c1"), true);
    assert.equal(r.has("c3"), false);
    t += 1;
    assert.equal(r.has("c1"), false, "the window has closed");
    assert.equal(r.size(), 1, "an expired entry is dropped when looked up");
  });

  it("a new join renews the window", () => {
    let t = 0;
    const r = createRecentJoins(() => t);
    r.joined(["c1"]);
    t = 2500;
    r.joined(["c1"]);
    t = 5000;
    assert.equal(r.has("c1"), true);
    t = 5500;
    assert.equal(r.has("c1"), false);
  });

  it("keeps its memory bounded under a storm of joins nobody looks up again", () => {
    let t = 0;
    const r = createRecentJoins(() => t);
    for (let i = 0; i < 10_000; i++) r.joined([`old${i}`]);
    t = 10_000;
    r.joined(["new"]);
    assert.equal(r.size(), 1, "the expired entries were swept");
    assert.equal(r.has("new"), true);
  });
});

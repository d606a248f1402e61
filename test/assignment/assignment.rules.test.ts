// The pure assignment rule (PROTOCOL.md section 4): below capacity, fewest open
// conversations first, ties to whoever has waited longest since their last assignment;
// and a page of the queue distributed by it at once.
import assert from "node:assert/strict";
import { afterAssign, backToLastAgent, distribute, rankCandidates, type Candidate } from "../../src/assignment/assignment.rules.js";

const c = (id: string, load: number, lastAssignedAt: number | null = null, maxConcurrent = 5): Candidate => ({
  id, load, maxConcurrent, lastAssignedAt,
});
const ids = (cs: Candidate[]) => cs.map((x) => x.id);
const T = 1_700_000_000_000;

describe("assignment.rules", () => {
  it("fewest open conversations first", () => {
    assert.deepEqual(ids(rankCandidates([c("a", 3, T - 9_000), c("b", 0, T), c("c", 1, T - 1), c("d", 2, null)])), ["b", "c", "d", "a"]);
  });

  it("equal load: whoever has waited longest since their last assignment comes first", () => {
    assert.deepEqual(ids(rankCandidates([c("a", 1, T), c("b", 1, T - 60_000), c("c", 1, T - 1)])), ["b", "c", "a"]);
  });

  it("never assigned counts as having waited longest", () => {
    assert.deepEqual(ids(rankCandidates([c("a", 2, T - 1_000_000), c("z", 2, null), c("b", 2, 1)])), ["z", "b", "a"]);
    // ... but load still wins over waiting time.
    assert.deepEqual(ids(rankCandidates([c("never", 1, null), c("recent", 0, T)])), ["recent", "never"]);
  });

  it("agents at or above capacity are left out", () => {
    const ranked = rankCandidates([c("full", 5, null, 5), c("over", 7, null, 5), c("room", 4, T, 5), c("tiny", 1, null, 1),
      c("zero", 0, null, 0), c("big", 9, null, 10)]);
    assert.deepEqual(ids(ranked), ["room", "big"]);
    assert.deepEqual(rankCandidates([c("a", 2, null, 2), c("b", 3, null, 1)]), []);
    assert.deepEqual(rankCandidates([]), []);
  });

  it("full ties are broken by id, whatever the input order", () => {
    const tie = [c("m", 1, T), c("b", 1, T), c("x", 1, T), c("a", 1, T)];
    const never = [c("n2", 0), c("n1", 0), c("n3", 0)];
    for (let i = 0; i < 4; i++) {
      const rot = [...tie.slice(i), ...tie.slice(0, i)];
      assert.deepEqual(ids(rankCandidates(rot)), ["a", "b", "m", "x"]);
      assert.deepEqual(ids(rankCandidates([...rot].reverse())), ["a", "b", "m", "x"]);
    }
    assert.deepEqual(ids(rankCandidates(never)), ["n1", "n2", "n3"]);
    assert.deepEqual(ids(rankCandidates([...never].reverse())), ["n1", "n2", "n3"]);
  });

  it("returns the candidates unchanged and does not mutate the input array or its members", () => {
    const input = [c("b", 2, T), c("a", 1, null), c("full", 5, T - 5)];
    const snapshot = structuredClone(input);
    const order = [...input];
    const ranked = rankCandidates(input);
    assert.deepEqual(input, snapshot);
    input.forEach((x, i) => assert.equal(x, order[i]));
    assert.notEqual(ranked, input);
    assert.deepEqual(ranked, [snapshot[1], snapshot[0]]);
  });

  it("afterAssign: one more open conversation and the assignment time, nothing else changes", () => {
    const before = c("a", 2, T - 10_000, 4);
    const frozen = Object.freeze({ ...before });
    const after = afterAssign(frozen, T);
    assert.deepEqual(after, { id: "a", load: 3, maxConcurrent: 4, lastAssignedAt: T });
    assert.deepEqual(frozen, before); // input untouched
    assert.notEqual(after, frozen);
    assert.deepEqual(afterAssign(c("n", 0, null), 5), { id: "n", load: 1, maxConcurrent: 5, lastAssignedAt: 5 });
  });

  it("repeated rank + afterAssign spreads conversations round-robin and stops at capacity", () => {
    let pool = [c("a", 0, null, 2), c("b", 0, null, 2), c("c", 1, T - 100, 2)];
    const got: string[] = [];
    for (let t = 1; t <= 10; t++) {
      const [best] = rankCandidates(pool);
      if (!best) break;
      got.push(best.id);
      pool = pool.map((x) => (x.id === best.id ? afterAssign(x, T + t) : x));
    }
    // a, b (never assigned) first; then everyone at load 1, c has waited longest; then a, b.
    assert.deepEqual(got, ["a", "b", "c", "a", "b"]);
    assert.deepEqual(pool.map((x) => x.load), [2, 2, 2]);
    assert.deepEqual(rankCandidates(pool), []);
  });

  const agentOf = (plan: { conversationId: string; agentId: string }[]) => plan.map((p) => `${p.conversationId}>${p.agentId}`);
  const cids = (n: number) => Array.from({ length: n }, (_, i) => `c${String(i).padStart(3, "0")}`);

  it("distribute places a page exactly as one-by-one rank + afterAssign would, oldest first", () => {
    const pool = [c("a", 2, T - 50, 6), c("b", 0, T, 3), c("c", 1, null, 4), c("d", 0, T - 10, 2)];
    const page = cids(13);
    let oneByOne = [...pool];
    const expected: string[] = [];
    for (const cid of page) {
      const [best] = rankCandidates(oneByOne);
      if (!best) break;
      expected.push(`${cid}>${best.id}`);
      oneByOne = oneByOne.map((x) => (x.id === best.id ? afterAssign(x, T + 1) : x));
    }
    const plan = distribute(page, pool, T + 1);
    assert.deepEqual(agentOf(plan), expected);
    // d, b (0 open; d waited longer), then c (1 open, never assigned); then b, c, d all
    // hold 1, assigned in this page at the same moment: by id.
    assert.deepEqual(agentOf(plan).slice(0, 4), ["c000>d", "c001>b", "c002>c", "c003>b"]);
    assert.equal(plan.length, 12, "room for 4 + 3 + 3 + 2 = 12: the 13th stays waiting");
    assert.deepEqual(plan.map((p) => p.conversationId), page.slice(0, 12), "the oldest are placed, the newest is left");
  });

  it("distribute spreads 200 evenly over 5 agents with room for 55 and never exceeds anyone's room", () => {
    const pool = ["a", "b", "c", "d", "e"].map((id) => c(id, 0, null, 55));
    const count = (plan: { agentId: string }[]) => plan.reduce((m, p) => m.set(p.agentId, (m.get(p.agentId) ?? 0) + 1), new Map<string, number>());
    assert.deepEqual([...count(distribute(cids(200), pool, T)).values()], [40, 40, 40, 40, 40]);
    const full = count(distribute(cids(400), [...pool, c("busy", 50, T, 55)], T));
    assert.deepEqual(Object.fromEntries(full), { a: 55, b: 55, c: 55, d: 55, e: 55, busy: 5 });
  });

  it("distribute with nobody, or nobody with room, places nothing; it leaves its inputs alone", () => {
    assert.deepEqual(distribute(cids(3), [], T), []);
    assert.deepEqual(distribute(cids(3), [c("full", 2, null, 2)], T), []);
    assert.deepEqual(distribute([], [c("a", 0)], T), []);
    const pool = [c("a", 0, null, 2), c("b", 1, T, 2)];
    const snapshot = structuredClone(pool);
    distribute(cids(5), pool, T);
    assert.deepEqual(pool, snapshot);
  });

  it("a returning visitor goes back to their last agent when available with room, whatever their load", () => {
    const pool = [c("busy", 3, T - 10), c("idle", 0, null), c("full", 2, null, 2)];
    const ranked = rankCandidates(pool);
    assert.equal(backToLastAgent(ranked, "busy")?.id, "busy");
    assert.equal(backToLastAgent(ranked, "full"), null, "at capacity: not them");
    assert.equal(backToLastAgent(ranked, "gone"), null, "not available: not them");
    assert.equal(backToLastAgent(ranked, undefined), null);
    const returning = new Map([["r1", "busy"], ["r2", "full"], ["r3", "gone"]]);
    const plan = distribute(["n1", "r1", "r2", "r3"], pool, T, returning);
    assert.deepEqual(plan.map((p) => [p.conversationId, p.agentId]), [["n1", "idle"], ["r1", "busy"], ["r2", "idle"], ["r3", "idle"]]);
    // Counted against the agent like any placement: the last agent fills up too.
    const twice = distribute(["a", "b"], [c("x", 4, null, 5), c("y", 0, null)], T, new Map([["a", "x"], ["b", "x"]]));
    assert.deepEqual(twice.map((p) => p.agentId), ["x", "y"]);
  });
});

// Which conversations an agent who goes offline never saw (src/assignment/requeue.rules.ts):
// those assigned at or after their last traffic; unknown assignment times are kept.
import assert from "node:assert/strict";
import { unseenAssignments } from "../../src/assignment/requeue.rules.js";

const T = 1_700_000_000_000;
const row = (id: string, assigned_at: Date | string | null) => ({ id, assigned_at });
const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

describe("requeue.rules", () => {
  it("assigned after the agent's last traffic: unseen; before it: seen", () => {
    const rows = [row("before", new Date(T - 5_000)), row("after", new Date(T + 1)), row("long-before", new Date(T - 3_600_000))];
    assert.deepEqual(ids(unseenAssignments(rows, T)), ["after"]);
  });

  it("assigned in the very millisecond of the last traffic: no proof they saw it", () => {
    assert.deepEqual(ids(unseenAssignments([row("same", new Date(T))], T)), ["same"]);
  });

  it("no traffic ever: every conversation with a known assignment time is unseen", () => {
    assert.deepEqual(ids(unseenAssignments([row("a", new Date(T)), row("b", new Date(T - 1))], null)), ["a", "b"]);
  });

  it("an unknown assignment time is kept (the behaviour before the rule)", () => {
    assert.deepEqual(ids(unseenAssignments([row("old", null)], T)), []);
    assert.deepEqual(ids(unseenAssignments([row("old", null)], null)), []);
  });

  it("takes the database's string form as well as a Date", () => {
    const rows = [row("s-after", new Date(T + 10).toISOString()), row("s-before", new Date(T - 10).toISOString())];
    assert.deepEqual(ids(unseenAssignments(rows, T)), ["s-after"]);
  });

  it("keeps the rows it returns as given (the caller requeues them)", () => {
    const r = row("x", new Date(T + 1));
    assert.equal(unseenAssignments([r], T)[0], r);
  });
});

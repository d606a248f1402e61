// The console asks for a visitor's details only where the server would answer (a refused
// fetch is a console error): its own open conversations, the queue, everything for an admin.
import assert from "node:assert/strict";
import { mayReadVisitor } from "../../src/client/console/visitor-access.js";

describe("console: whose visitor details may be fetched", () => {
  const me = { id: "a1", role: "agent" };
  const open = (agentId: string | null) => ({ status: "open" as const, agent: agentId ? { id: agentId, name: "x" } : null });

  it("its own open conversation and a waiting one", () => {
    assert.equal(mayReadVisitor(open("a1"), me), true);
    assert.equal(mayReadVisitor({ status: "waiting", agent: null }, me), true);
  });
  it("not after a transfer, nor a resolved one, nor an unknown one", () => {
    assert.equal(mayReadVisitor(open("b2"), me), false);
    assert.equal(mayReadVisitor({ status: "resolved", agent: { id: "a1", name: "x" } }, me), false);
    assert.equal(mayReadVisitor(undefined, me), false);
  });
  it("an admin reads any", () => {
    assert.equal(mayReadVisitor(open("b2"), { id: "z", role: "admin" }), true);
  });
});

// Who may read and write a conversation's notes: the rule of `sync` for agents.
import assert from "node:assert/strict";
import { mayAnnotate } from "../../src/notes/notes.rules.js";

describe("notes.rules", () => {
  const agent = { type: "agent" as const, id: "a1", name: "A", role: "agent" as const };
  const admin = { ...agent, id: "ad", role: "admin" as const };
  const visitor = { type: "visitor" as const, id: "v1", name: "V" };

  it("lets the conversation's agent, any agent while it waits, and admins", () => {
    assert.equal(mayAnnotate(agent, { agent_id: "a1", status: "open" }), true);
    assert.equal(mayAnnotate(agent, { agent_id: "a1", status: "resolved" }), true, "their own, after resolve");
    assert.equal(mayAnnotate(agent, { agent_id: null, status: "waiting" }), true);
    assert.equal(mayAnnotate(admin, { agent_id: "a2", status: "open" }), true);
  });
  it("refuses another agent's conversation and every visitor", () => {
    assert.equal(mayAnnotate(agent, { agent_id: "a2", status: "open" }), false);
    assert.equal(mayAnnotate(agent, { agent_id: "a2", status: "resolved" }), false);
    assert.equal(mayAnnotate(visitor, { agent_id: null, status: "waiting" }), false);
  });
});

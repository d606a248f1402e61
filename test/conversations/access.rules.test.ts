// Which agent may read a conversation: `sync` for agents and private notes alike.
import assert from "node:assert/strict";
import { agentMayRead } from "../../src/conversations/access.rules.js";

describe("access.rules", () => {
  const agent = { type: "agent" as const, id: "a1", name: "A", role: "agent" as const };
  const admin = { ...agent, id: "ad", role: "admin" as const };
  const visitor = { type: "visitor" as const, id: "v1", name: "V" };

  it("lets the conversation's agent, any agent while it waits, and admins", () => {
    assert.equal(agentMayRead(agent, { agent_id: "a1", status: "open" }), true);
    assert.equal(agentMayRead(agent, { agent_id: "a1", status: "resolved" }), true, "their own, after resolve");
    assert.equal(agentMayRead(agent, { agent_id: null, status: "waiting" }), true);
    assert.equal(agentMayRead(admin, { agent_id: "a2", status: "open" }), true);
  });
  it("refuses another agent's conversation and every visitor", () => {
    assert.equal(agentMayRead(agent, { agent_id: "a2", status: "open" }), false);
    assert.equal(agentMayRead(agent, { agent_id: "a2", status: "resolved" }), false);
    assert.equal(agentMayRead(visitor, { agent_id: null, status: "waiting" }), false);
  });
});

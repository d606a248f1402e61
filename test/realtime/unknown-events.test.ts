// An event a namespace has no handler for is answered when it asks for an ack: FORBIDDEN
// for the other side's events, VALIDATION for a name the contract does not have. Nothing
// else changes: the socket stays connected and known events go on working.
import assert from "node:assert/strict";
import { agentToken, call, callRaw, connectAgent, connectVisitor, emitRaw, visitorSession } from "../helpers/clients.js";
import { serverPerSuite, startServer } from "../helpers/server.js";

describe("unknown socket events", function () {
  this.timeout(30_000);
  const srv = serverPerSuite(() => startServer());

  it("are answered VALIDATION on both namespaces, and the socket serves on", async () => {
    const v = await visitorSession(srv.url, "Una Known");
    const visitor = await connectVisitor(srv.url, v.token);
    const agent = await connectAgent(srv.url, (await agentToken(srv.url)).token);
    try {
      const cases = [
        [visitor.socket, "note:add", "FORBIDDEN"], [visitor.socket, "conversation:claim", "FORBIDDEN"], [agent.socket, "csat:submit", "FORBIDDEN"],
        [visitor.socket, "messages:send", "VALIDATION"], [agent.socket, "no:such:event", "VALIDATION"],
      ] as const;
      for (const [socket, event, code] of cases) {
        const ack = await callRaw(socket, event, { conversationId: "x", body: "y" }, 3000);
        assert.equal(ack.ok, false, event);
        assert.equal(!ack.ok && ack.error.code, code, event);
      }
      emitRaw(visitor.socket, "no-ack-wanted", { a: 1 }); // no ack asked: nothing answered, nothing broken
      const sent = await call(visitor.socket, "message:send", { clientMsgId: "u-1", type: "text", body: "still here" });
      assert.ok(sent.ok, JSON.stringify(sent));
      assert.ok(visitor.socket.connected && agent.socket.connected);
    } finally {
      visitor.close();
      agent.socket.disconnect();
    }
  });
});

// A new conversation's first messages all reach the agent live (PROTOCOL.md: `message` to
// every device of the conversation). The first message is delivered once assignment has
// brought the agent into the room; the visitor's next messages, sent while that
// assignment still runs, must wait for it too, or they go out to a room without the
// agent (seen: seqs 2 and 3 missing when the database was slower than the visitor).
import assert from "node:assert/strict";
import { agentToken, call, connectAgent, connectVisitor, until, visitorSession } from "../helpers/clients.js";
import { serverPerSuite, startServer, testDatabases } from "../helpers/server.js";

for (const db of testDatabases()) {
  describe(`a new conversation's first messages [${db}]`, function () {
    this.timeout(60_000);
    const srv = serverPerSuite(() => startServer({ db }));

    it("reach the agent live, every one, in order, while the conversation is still being assigned", async () => {
      const agent = await connectAgent(srv.url, (await agentToken(srv.url)).token);
      const visitor = await connectVisitor(srv.url, (await visitorSession(srv.url)).token);
      // Five at once: the 2nd to 5th are acked while the 1st's assignment is running.
      const acks = await Promise.all([0, 1, 2, 3, 4].map((i) => call(visitor.socket, "message:send", { clientMsgId: `m${i}`, type: "text", body: `hello ${i}` })));
      assert.ok(acks.every((a) => a.ok), JSON.stringify(acks));
      const fromVisitor = () => agent.received.filter((m) => m.sender.type === "visitor").map((m) => m.seq);
      await until(() => fromVisitor().length >= 5, 10_000, "the agent receives all 5");
      assert.deepEqual(fromVisitor(), [1, 2, 3, 4, 5]);
      agent.close();
      visitor.close();
    });
  });
}

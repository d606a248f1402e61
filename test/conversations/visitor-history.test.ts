// A visitor's earlier conversations for the agent helping them now (issue 13, item 1): an
// agent who serves the visitor (an open conversation of theirs) may `sync` the visitor's
// resolved ones, taken by a colleague; another agent may not, nor the same agent once they
// no longer serve that visitor.
import assert from "node:assert/strict";
import { call } from "../helpers/clients.js";
import { errorCode, newAgent, newVisitor, retire, say, settled, suiteServer, variants } from "../assignment/harness.js";

for (const v of variants()) {
  describe(`visitor history for the serving agent [${v.name}]`, function () {
    this.timeout(30_000);
    const srv = suiteServer(v);

    it("reads the visitor's resolved conversations while serving them, and only then", async () => {
      const bea = await newAgent(srv, "Bea Earlier");
      const vis = await newVisitor(srv, "Hana History");
      const earlier = (await say(vis, "My first question")).conversationId;
      await settled(srv, earlier, "open", bea.id);
      assert.ok((await call(bea.socket, "conversation:resolve", { conversationId: earlier })).ok);
      await retire(bea);

      const abe = await newAgent(srv, "Abe Now");
      const now = (await say(vis, "Back with another question")).conversationId;
      assert.notEqual(now, earlier);
      await settled(srv, now, "open", abe.id);
      const cara = await newAgent(srv, "Cara Elsewhere");

      const read = await call(abe.socket, "sync", { conversationId: earlier, afterSeq: 0 });
      assert.ok(read.ok, JSON.stringify(read));
      assert.ok(read.messages.some((m) => m.body === "My first question"));
      assert.equal(errorCode(await call(cara.socket, "sync", { conversationId: earlier, afterSeq: 0 })), "FORBIDDEN");
      // Reading is all it gives: no reply into it.
      assert.notEqual(errorCode(await call(abe.socket, "message:send", { conversationId: earlier, clientMsgId: "h-1", type: "text", body: "x" })), "ok");

      assert.ok((await call(abe.socket, "conversation:resolve", { conversationId: now })).ok);
      assert.equal(errorCode(await call(abe.socket, "sync", { conversationId: earlier, afterSeq: 0 })), "FORBIDDEN", "no longer serving");
      await retire(abe, cara);
      vis.close();
    });
  });
}

// Who may read a conversation follows who owns it (PROTOCOL.md section 4): an agent who
// read a waiting conversation (sync joins its room) stops hearing it, typing included, once
// another agent claims it or is given it; the owner and admins go on hearing it.
import assert from "node:assert/strict";
import { call, expectOk, sleep, until } from "../helpers/clients.js";
import { newAgent, newVisitor, retire, say, settled, suiteServer, variants } from "./harness.js";

for (const v of variants()) {
  describe(`conversation rooms follow the owner [${v.name}]`, function () {
    this.timeout(30_000);
    const srv = suiteServer(v);

    it("an agent who read a waiting conversation hears nothing of it after another claims it", async () => {
      const bea = await newAgent(srv, "Bea");
      const cy = await newAgent(srv, "Cy");
      for (const a of [bea, cy]) expectOk(await call(a.socket, "agent:status", { status: "away" }));
      const visitor = await newVisitor(srv);
      const cid = (await say(visitor)).conversationId;
      await settled(srv, cid, "waiting");
      // Both read it while it waits (the queue preview): both follow it.
      for (const a of [bea, cy]) expectOk(await call(a.socket, "sync", { conversationId: cid, afterSeq: 0 }));
      expectOk(await call(cy.socket, "conversation:claim", { conversationId: cid }));
      await settled(srv, cid, "open", cy.id);

      const secret = await say(visitor, "my card number is 4111");
      await until(() => cy.received.some((m) => m.id === secret.id), 5000, "the owner hears the visitor");
      const typingSeen: string[] = [];
      visitor.socket.on("typing", (t) => typingSeen.push(t.from.id));
      const beaTyping = await call(bea.socket, "typing", { conversationId: cid, isTyping: true });
      expectOk(await call(cy.socket, "typing", { conversationId: cid, isTyping: true }));
      await until(() => typingSeen.includes(cy.id), 5000, "the owner's typing reaches the visitor");
      await sleep(300);
      assert.equal(bea.received.some((m) => m.id === secret.id), false, "the other agent no longer hears the conversation");
      assert.equal(beaTyping.ok, false, "the other agent may not type into it");
      assert.deepEqual(typingSeen.filter((id) => id === bea.id), [], "no typing from the other agent reached the visitor");
      visitor.close();
      await retire(bea, cy);
    });

    it("typing is authorised like message:send: an agent following a waiting conversation may not type into it", async () => {
      const dee = await newAgent(srv, "Dee");
      expectOk(await call(dee.socket, "agent:status", { status: "away" }));
      const visitor = await newVisitor(srv);
      const cid = (await say(visitor)).conversationId;
      await settled(srv, cid, "waiting");
      expectOk(await call(dee.socket, "sync", { conversationId: cid, afterSeq: 0 })); // follows it now
      const typingSeen: string[] = [];
      visitor.socket.on("typing", (t) => typingSeen.push(t.from.id));
      const typed = await call(dee.socket, "typing", { conversationId: cid, isTyping: true });
      const sent = await call(dee.socket, "message:send", { conversationId: cid, clientMsgId: "dee-1", type: "text", body: "hi" });
      assert.equal(sent.ok || sent.error.code, "FORBIDDEN", "sending is refused");
      assert.equal(typed.ok || typed.error.code, "FORBIDDEN", "typing is refused the same way");
      await sleep(300);
      assert.deepEqual(typingSeen, [], "no typing reached the visitor");
      visitor.close();
      await retire(dee);
    });
  });
}

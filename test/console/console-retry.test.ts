// "Retry all" in the console (issue 13, item 4), in Chromium: messages refused while the
// conversation was someone else's are shown failed, one button sends them all again once
// it is back, in order, each stored once.
import assert from "node:assert/strict";
import { agentToken, call, connectAgent, createAgent, until } from "../helpers/clients.js";
import { consoleSuite, consoleWithVisitor } from "./helpers.js";

describe("agent console, retry all in Chromium", function () {
  this.timeout(90_000);
  const suite = consoleSuite("Rita Retry");

  it("two failed messages get one Retry all; it sends both, in order, once the conversation is back", async () => {
    const { srv, agent } = suite.get();
    const { page, errors, cid } = await consoleWithVisitor(suite, "Ray Visitor", "Anyone?");
    const repos = srv.application.services.repos;
    await until(async () => (await repos.conversations.byId(cid))?.agent_id === agent.agentId, 5000, "assigned to Rita");
    await page.locator(`.citem[data-id="${cid}"]`).click();
    await page.locator(".msg--visitor", { hasText: "Anyone?" }).waitFor();

    // An admin hands it to a colleague; two replies typed just before go out and are refused.
    const adminToken = (await agentToken(srv.url)).token;
    const admin = await connectAgent(srv.url, adminToken);
    suite.closers.push(() => admin.socket.disconnect());
    const bea = await createAgent(srv.url, adminToken, "Bea Colleague");
    const beaSocket = await connectAgent(srv.url, bea.token);
    suite.closers.push(() => beaSocket.socket.disconnect());
    assert.ok((await call(admin.socket, "conversation:transfer", { conversationId: cid, toAgentId: bea.agentId })).ok);
    await page.evaluate((id) => {
      const rt = (window as unknown as { holdfast: { rt: { send(n: object): void } } }).holdfast.rt;
      rt.send({ conversationId: id, type: "text", body: "First answer" });
      rt.send({ conversationId: id, type: "text", body: "Second answer" });
    }, cid);
    await page.locator("#retry-all", { hasText: "Retry all 2" }).waitFor();

    assert.ok((await call(admin.socket, "conversation:transfer", { conversationId: cid, toAgentId: agent.agentId })).ok);
    await page.click("#retry-all");
    await until(async () => {
      const log = await repos.messages.messagesAfter(cid, 0, 100);
      return log.filter((m) => m.sender.id === agent.agentId).length === 2;
    }, 8000, "both stored");
    const mine = (await repos.messages.messagesAfter(cid, 0, 100)).filter((m) => m.sender.id === agent.agentId).map((m) => m.body);
    assert.deepEqual(mine, ["First answer", "Second answer"], "in order, once each");
    await until(async () => (await page.locator("#retry-all").count()) === 0, 5000, "the button goes once they are sent");
    assert.deepEqual(errors, []);
  });
});

// The visitor's earlier conversations, one click away (issue 13, item 1), in Chromium: the
// agent serving a returning visitor sees all their conversations in the panel and opens
// the one a colleague resolved, read-only, the panel staying on the visitor.
import assert from "node:assert/strict";
import { agentToken, call, connectAgent, connectVisitor, createAgent, until, visitorSession } from "../helpers/clients.js";
import { consoleReady, consoleSuite, loginPage, newPage, shot } from "./helpers.js";

describe("agent console, the visitor's history in Chromium", function () {
  this.timeout(90_000);
  const suite = consoleSuite("Hal History");

  it("lists the visitor's conversations in the panel and opens an earlier one read-only", async () => {
    const { srv, browser, agent } = suite.get();
    const repos = srv.application.services.repos;
    // A colleague took and resolved the visitor's first conversation, then left.
    const bea = await createAgent(srv.url, (await agentToken(srv.url)).token, "Bea Before");
    const beaSocket = await connectAgent(srv.url, bea.token);
    const v = await visitorSession(srv.url, "Rory Returning");
    const visitor = await connectVisitor(srv.url, v.token);
    suite.closers.push(visitor.close);
    const first = await call(visitor.socket, "message:send", { clientMsgId: "h-1", type: "text", body: "My first question" });
    assert.ok(first.ok);
    const earlier = first.message.conversationId;
    await until(async () => (await repos.conversations.byId(earlier))?.agent_id === bea.agentId, 5000, "Bea has it");
    assert.ok((await call(beaSocket.socket, "conversation:resolve", { conversationId: earlier })).ok);
    await call(beaSocket.socket, "agent:status", { status: "away" });
    beaSocket.socket.disconnect();

    const { page, errors } = await newPage(browser);
    await loginPage(page, srv.url, agent.email, "password-123");
    await consoleReady(page);
    const again = await call(visitor.socket, "message:send", { clientMsgId: "h-2", type: "text", body: "Back again" });
    assert.ok(again.ok);
    const now = again.message.conversationId;
    await page.locator(`.citem[data-id="${now}"]`).click();
    await page.locator(".msg--visitor", { hasText: "Back again" }).waitFor();
    await page.locator(`#v-history .vhistory__item[data-id="${earlier}"]`).waitFor();
    assert.equal(await page.locator("#v-history .vhistory__item").count(), 2);

    await page.click(`#v-history .vhistory__item[data-id="${earlier}"]`);
    await page.locator(".msg--visitor", { hasText: "My first question" }).waitFor();
    assert.equal(await page.textContent("#chat-status"), "resolved");
    assert.match((await page.textContent("#chat-agent")) ?? "", /handled by Bea Before/);
    assert.ok(await page.locator("#composer").isHidden(), "read-only: no composer");
    assert.equal(await page.textContent("#v-name"), "Rory Returning", "the panel stays on the visitor");
    await shot(page, "console-history");
    await page.click(`#v-history .vhistory__item[data-id="${now}"]`);
    await page.locator(".msg--visitor", { hasText: "Back again" }).waitFor();
    assert.ok(await page.locator("#composer").isVisible(), "the current one takes replies");
    assert.deepEqual(errors, []);
  });
});

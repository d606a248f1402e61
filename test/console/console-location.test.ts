// The console keeps its place (issue 13, item 4): the selected conversation is in the URL,
// a reload opens it again, back and forward move between the conversations opened.
import assert from "node:assert/strict";
import { call, connectVisitor, visitorSession } from "../helpers/clients.js";
import { consoleReady, consoleSuite, loginPage, newPage } from "./helpers.js";

describe("agent console, a URL per conversation in Chromium", function () {
  this.timeout(90_000);
  const suite = consoleSuite("Lou Location");

  it("reload keeps the conversation; back and forward select what the URL names", async () => {
    const { srv, browser, agent } = suite.get();
    const { page, errors } = await newPage(browser);
    await loginPage(page, srv.url, agent.email, "password-123");
    await consoleReady(page);
    const cids: string[] = [];
    for (const [name, body] of [["Ann First", "First question"], ["Ben Second", "Second question"]]) {
      const v = await visitorSession(srv.url, name);
      const visitor = await connectVisitor(srv.url, v.token);
      suite.closers.push(visitor.close);
      const sent = await call(visitor.socket, "message:send", { clientMsgId: `${name}-1`, type: "text", body });
      assert.ok(sent.ok);
      cids.push(sent.message.conversationId);
    }
    const [a, b] = cids as [string, string];
    const shows = (text: string) => page.locator(".msg--visitor", { hasText: text }).waitFor();
    const named = () => new URL(page.url()).searchParams.get("c");

    await page.locator(`.citem[data-id="${a}"]`).click();
    await shows("First question");
    assert.equal(named(), a);
    await page.locator(`.citem[data-id="${b}"]`).click();
    await shows("Second question");
    assert.equal(named(), b);

    const panelNames = (name: string) => page.locator("#vpanel-body:not([hidden]) #v-name", { hasText: name }).waitFor({ timeout: 10_000 });
    await panelNames("Ben Second");

    await page.reload();
    await consoleReady(page);
    await shows("Second question");
    await page.locator(`.citem--on[data-id="${b}"]`).waitFor(); // marked in the list too
    // The visitor panel too: the URL names the conversation before the lists say whose it is.
    await panelNames("Ben Second");

    await page.goBack();
    await shows("First question");
    assert.equal(named(), a);
    await page.goForward();
    await shows("Second question");
    assert.equal(named(), b);
    assert.deepEqual(errors, []);
  });
});

// Labels in Chromium (issue 13): an admin creates them on /admin/labels, an agent puts one
// on a conversation from the chat header (a chip), and the list filter above the
// conversation lists shows only the conversations carrying it; an admin's console hears
// of a change live.
import assert from "node:assert/strict";
import { call, connectVisitor, visitorSession, type Participant } from "../helpers/clients.js";
import { ADMIN } from "../helpers/server.js";
import { consoleReady, consoleSuite, loginPage, newPage, shot } from "./helpers.js";

describe("labels in the admin page and the console, in Chromium", function () {
  this.timeout(90_000);
  const suite = consoleSuite("Lea Labels");
  const closers = suite.closers;

  it("an admin creates labels, an agent sets one, the list filter shows only its conversations", async () => {
    const { srv, browser, agent } = suite.get();
    const adminView = await newPage(browser);
    await loginPage(adminView.page, srv.url, ADMIN.email, ADMIN.password, "/admin/labels");
    for (const [name, colour] of [["Billing", "#16a34a"], ["Urgent", "#dc2626"], ["Feature request", "#7c3aed"]]) {
      await adminView.page.fill("#create-label input[name=name]", name);
      await adminView.page.fill("#create-label input[name=colour]", colour);
      await adminView.page.click("#create-label button[type=submit]");
      await adminView.page.locator(".notice--ok", { hasText: name }).waitFor();
    }
    assert.deepEqual(await adminView.page.$$eval("#labels .label-chip", (els) => els.map((e) => e.textContent)), ["Billing", "Feature request", "Urgent"]);
    await shot(adminView.page, "admin-labels");

    const { page, errors } = await newPage(browser);
    await loginPage(page, srv.url, agent.email, "password-123");
    await consoleReady(page);
    const cids: string[] = [];
    for (const [name, text] of [["Bill Payer", "I was charged twice"], ["Quinn Question", "Do you ship to Norway?"]]) {
      const v = await visitorSession(srv.url, name);
      const visitor: Participant = await connectVisitor(srv.url, v.token);
      closers.push(visitor.close);
      const sent = await call(visitor.socket, "message:send", { clientMsgId: `${name}-1`, type: "text", body: text });
      assert.ok(sent.ok);
      cids.push(sent.message.conversationId);
    }
    for (const cid of cids) await page.locator(`.citem[data-id="${cid}"]`).waitFor();

    await page.locator(`.citem[data-id="${cids[0]}"]`).click();
    await page.locator(".msg--visitor", { hasText: "charged twice" }).waitFor();
    await page.selectOption("#label-add", { label: "Billing" });
    await page.locator("#label-chips .label-chip", { hasText: "Billing" }).waitFor();
    await page.selectOption("#label-add", { label: "Urgent" });
    await page.locator("#label-chips .label-chip", { hasText: "Urgent" }).waitFor();
    assert.deepEqual(await page.$$eval("#label-add option", (els) => els.map((e) => e.textContent)), ["+ Label", "Feature request"]);
    // × takes one off again.
    await page.click('#label-chips [aria-label="Remove Urgent"]');
    await page.locator("#label-chips .label-chip", { hasText: "Urgent" }).waitFor({ state: "detached" });

    await page.locator(`.citem[data-id="${cids[0]}"] .citem__labels .label-chip`, { hasText: "Billing" }).waitFor();

    // An admin's console hears of a change live.
    await adminView.page.goto(`${srv.url}/agent`);
    await consoleReady(adminView.page);
    await adminView.page.evaluate((id) => (window as unknown as { holdfast: { state: { select(id: string): void } } }).holdfast.state.select(id), cids[0]);
    await adminView.page.locator("#label-chips .label-chip", { hasText: "Billing" }).waitFor();
    await page.selectOption("#label-add", { label: "Feature request" });
    await adminView.page.locator("#label-chips .label-chip", { hasText: "Feature request" }).waitFor();

    await page.selectOption("#label-filter", { label: "Billing" });
    await page.locator(`.citem[data-id="${cids[1]}"]`).waitFor({ state: "detached" });
    assert.deepEqual(await page.$$eval("#list .citem", (els) => els.map((e) => (e as HTMLElement).dataset.id)), [cids[0]]);
    await shot(page, "console-labels");
    await page.selectOption("#label-filter", { label: "All labels" });
    await page.locator(`.citem[data-id="${cids[1]}"]`).waitFor();

    // Stored: a reload shows the chip again.
    await page.reload();
    await consoleReady(page);
    await page.locator(`.citem[data-id="${cids[0]}"]`).click();
    await page.locator("#label-chips .label-chip", { hasText: "Billing" }).waitFor();
    assert.deepEqual([...errors, ...adminView.errors], []);
    await adminView.context.close();
  });
});

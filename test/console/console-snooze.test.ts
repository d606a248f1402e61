// Snooze in the console, in Chromium (issue 11): the agent snoozes a conversation from the
// header; it leaves Mine for the Snoozed view, and comes back to Mine by itself when the
// visitor writes, with a notice; "for 1 hour" asks the server for that time.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { call, until } from "../helpers/clients.js";
import { consoleSuite, consoleWithVisitor, shot } from "./helpers.js";

describe("agent console, snooze in Chromium", function () {
  this.timeout(90_000);
  const suite = consoleSuite("Sam Snooze");

  const ids = (page: Page) => page.$$eval("#list .citem", (els) => els.map((e) => (e as HTMLElement).dataset.id));
  const tab = (page: Page, scope: string) => page.click(`.ctab[data-scope="${scope}"]`);
  const row = async (cid: string) => (await suite.get().srv.application.services.repos.conversations.byId(cid))!;

  it("snoozed until the visitor writes: out of Mine, in Snoozed, back in Mine on their message", async () => {
    const { page, errors, visitor, cid } = await consoleWithVisitor(suite, "Nora Nap", "I will check and come back");
    await page.locator(`.citem[data-id="${cid}"]`).click();
    await page.locator("#snooze-for").waitFor({ state: "visible" });

    await page.selectOption("#snooze-for", "reply");
    await until(async () => !(await ids(page)).includes(cid), 5000, "left Mine");
    assert.ok((await row(cid)).snoozed_at, "snoozed on the server");
    assert.equal(await page.locator('.count[data-count="snoozed"]').textContent(), "1");
    await tab(page, "snoozed");
    await until(async () => (await ids(page)).includes(cid), 5000, "in Snoozed");
    await page.locator(`.citem[data-id="${cid}"]`).click();
    await page.locator("#chat-notice", { hasText: "Snoozed until the visitor writes" }).waitFor();
    await page.locator("#act-unsnooze").waitFor({ state: "visible" });
    await shot(page, "console-snoozed");

    await call(visitor.socket, "message:send", { clientMsgId: "n-2", type: "text", body: "Found it: order 5512" });
    await until(async () => !(await ids(page)).includes(cid), 5000, "out of Snoozed");
    await tab(page, "mine");
    await until(async () => (await ids(page)).includes(cid), 5000, "back in Mine");
    await page.locator("#toast", { hasText: "back from snooze" }).waitFor();
    assert.equal((await row(cid)).snoozed_at, null);

    // "For 1 hour": the server holds that time; Unsnooze brings it back at once.
    await page.locator(`.citem[data-id="${cid}"]`).click();
    const before = Date.now();
    await page.selectOption("#snooze-for", "1h");
    await until(async () => !!(await row(cid)).snooze_until, 5000, "snoozed for an hour");
    const at = new Date((await row(cid)).snooze_until!).getTime();
    assert.ok(Math.abs(at - (before + 3600_000)) < 10_000, `until ${new Date(at).toISOString()}`);
    await tab(page, "snoozed");
    await page.locator(`.citem[data-id="${cid}"]`).click();
    await page.click("#act-unsnooze");
    await until(async () => (await row(cid)).snoozed_at === null, 5000, "unsnoozed");
    await tab(page, "mine");
    await until(async () => (await ids(page)).includes(cid), 5000, "in Mine again");
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});

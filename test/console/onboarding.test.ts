// Onboarding on a first start (issue 13, item 8), in Chromium through the real forms: the
// generated admin is asked on the first-password page whether they answer chats, is not
// assigned anything while they do not (online in the console or not), and lands on the
// admin pages under a checklist whose items tick from stored state as each is done: the
// widget set, an agent invited, the snippet copied, the choice made. Dismissed, it stays
// gone. The console's "Take chats" box then makes them assignable.
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { until } from "../helpers/clients.js";
import { ADMIN, type TestServer } from "../helpers/server.js";
import { newVisitor, row, say } from "../assignment/harness.js";
import { buildConsoleBundles, consoleReady, firstStartServer, launch, newPage, shot } from "./helpers.js";

describe("onboarding: the first admin's choice and checklist", function () {
  this.timeout(120_000);
  let srv: TestServer;
  let browser: Browser;
  let generated = "";

  before(async () => {
    buildConsoleBundles();
    const first = await firstStartServer();
    srv = first.srv;
    generated = String(first.warned.find((w) => w.msg === "admin agent created with a generated password")?.extra?.password ?? "");
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  const ticks = (page: Page) =>
    page.$$eval("#onboarding [data-item]", (els) => Object.fromEntries(els.map((e) => [(e as HTMLElement).dataset.item, (e as HTMLElement).dataset.done === "1"])));
  const admin = async () => (await srv.application.services.repos.accounts.agentByEmail(ADMIN.email))!;

  it("asks 'Will you answer chats yourself?', then ticks each item as it is done", async () => {
    assert.ok(generated, "the generated password was logged");
    assert.equal((await admin()).takesChats, null, "not chosen yet");
    const { page, errors } = await newPage(browser);
    await page.goto(`${srv.url}/login?next=/admin`);
    await page.fill("input[name=email]", ADMIN.email);
    await page.fill("input[name=password]", generated);
    await Promise.all([page.waitForURL(/\/account\/password/), page.click("button[type=submit]")]);
    await page.locator("legend", { hasText: "Will you answer chats yourself?" }).waitFor();
    await page.fill("input[name=password]", "my-own-password-1");
    await page.fill("input[name=confirm]", "my-own-password-1");
    await page.check("input[name=takesChats][value=no]");
    await shot(page, "onboarding-first-password");
    await Promise.all([page.waitForURL(/\/admin\/agents$/), page.click("button[type=submit]")]);
    assert.equal((await admin()).takesChats, false);

    // The checklist: only the choice is done.
    await page.locator("#onboarding").waitFor();
    assert.deepEqual(await ticks(page), { widget: false, agents: false, snippet: false, "takes-chats": true });

    // Online in the console yet not taking chats: a visitor's conversation waits.
    const { page: con } = await newPage(browser);
    await con.context().addCookies(await page.context().cookies());
    await con.goto(`${srv.url}/agent`);
    await consoleReady(con);
    assert.equal(await con.isChecked("#my-takes-chats"), false);
    await shot(con, "onboarding-console");
    const visitor = await newVisitor(srv);
    const cid = (await say(visitor)).conversationId;
    await new Promise((r) => setTimeout(r, 800));
    assert.equal((await row(srv, cid)).status, "waiting", "not assigned to the admin");

    // Invite an agent: ticked.
    await page.fill("#create-agent input[name=name]", "Pat Agent");
    await page.fill("#create-agent input[name=email]", "pat@example.com");
    await page.fill("#create-agent input[name=password]", "pat-password-1");
    await Promise.all([page.waitForURL(/\/admin\/agents$/), page.click("#create-agent button[type=submit]")]);
    assert.equal((await ticks(page)).agents, true);

    // Set the widget: ticked.
    await page.click("#onboarding [data-item=widget] a");
    await page.waitForURL(/\/admin\/widget$/);
    await page.fill("textarea[name=greeting]", "Hello from Acme support!");
    await Promise.all([page.waitForURL(/\/admin\/widget$/), page.click("#widget-form button[type=submit]")]);
    assert.equal((await ticks(page)).widget, true);
    assert.equal((await ticks(page)).snippet, false);
    await shot(page, "onboarding");

    // Copy the snippet: recorded, ticked on the next page.
    await page.click("button[data-copy=snippet]");
    await until(async () => !!(await srv.application.services.repos.settings.get("onboarding.snippetCopiedAt")), 5000, "copy recorded");
    await page.reload();
    assert.deepEqual(await ticks(page), { widget: true, agents: true, snippet: true, "takes-chats": true });
    await page.locator("#onboarding h2", { hasText: "All set" }).waitFor();
    await shot(page, "onboarding-done");

    // Dismissed: gone from every admin page.
    await Promise.all([page.waitForURL(/\/admin\/widget$/), page.click("#onboarding-dismiss")]);
    assert.equal(await page.locator("#onboarding").count(), 0);
    await page.goto(`${srv.url}/admin/agents`);
    assert.equal(await page.locator("#onboarding").count(), 0);

    // The console's box: taking chats now, the waiting conversation comes to the admin.
    await con.check("#my-takes-chats");
    await until(async () => (await row(srv, cid)).agent_id === (await admin()).id, 5000, "assigned to the admin");
    assert.equal((await admin()).takesChats, true);

    // The Agents page shows and switches it for anyone.
    await page.goto(`${srv.url}/admin/agents`);
    const pat = page.locator("tr", { hasText: "pat@example.com" });
    await pat.locator(".takes-chats button", { hasText: "Stop" }).click();
    await page.locator("text=The agent no longer takes chats").waitFor();
    await shot(page, "onboarding-agents");
    assert.equal((await srv.application.services.repos.accounts.agentByEmail("pat@example.com"))!.takesChats, false);
    visitor.close();
    assert.deepEqual(errors, []);
  });
});

// The whole console and admin flow in Chromium: the admin sets up the team and a canned
// response through the admin pages, an agent logs in, a visitor (socket client) starts
// a conversation that is assigned to that agent, who replies with the canned response
// and transfers to a second agent, who resolves it. A visitor name and message made of
// markup show as text in the console and the transcript. Screenshots go to test-artifacts/.
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { api, call, connectVisitor, until, type Participant, type VisitorSessionBody } from "../helpers/clients.js";
import { ADMIN, startServer, type TestServer } from "../helpers/server.js";
import { buildConsoleBundles, consoleReady, launch, loginPage, newPage, shot } from "./helpers.js";

const XSS_NAME = `<img src=x onerror=alert(1)>`;
const XSS_MSG = `<script>alert("xss")</script><b>bold?</b> <img src=x onerror=alert(2)> order #1234 arrived broken`;
const CANNED = "Thanks for reaching out! I am checking your order right now.";
const ALICE = { name: "Alice Agent", email: "alice@test.local", password: "alice-password-1" };
const BOB = { name: "Bob Builder", email: "bob@test.local", password: "bob-password-1" };

/** No element made from the payloads: the only images are our own. */
async function assertNoInjectedMarkup(page: Page) {
  const injected = await page.evaluate(() => document.querySelectorAll('img[src="x"], b, script:not([src])').length);
  assert.equal(injected, 0, "markup from a message or name reached the DOM");
}

describe("agent console and admin in Chromium", function () {
  this.timeout(120_000);
  let srv: TestServer;
  let browser: Browser;
  let visitor: Participant | undefined;
  const errors: string[][] = [];

  before(async () => {
    buildConsoleBundles();
    srv = await startServer();
    browser = await launch();
  });
  after(async () => {
    visitor?.close();
    await browser?.close();
    await srv?.stop();
  });
  afterEach(() => {
    const all = errors.flat();
    assert.deepEqual(all, [], `errors in the pages: ${all.join("\n")}`);
  });

  it("admin creates agents and a canned response, agents claim, reply, transfer and resolve", async () => {
    // ---- the admin sets up the team ----
    const admin = await newPage(browser, 1280, 900);
    errors.push(admin.errors);
    await admin.page.goto(`${srv.url}/login`);
    await shot(admin.page, "login");
    await loginPage(admin.page, srv.url, ADMIN.email, ADMIN.password, "/admin/agents");
    for (const a of [ALICE, BOB]) {
      await admin.page.fill("#create-agent [name=name]", a.name);
      await admin.page.fill("#create-agent [name=email]", a.email);
      await admin.page.fill("#create-agent [name=password]", a.password);
      await admin.page.fill("#create-agent [name=maxConcurrent]", "3");
      await Promise.all([admin.page.waitForURL(`${srv.url}/admin/agents`), admin.page.click("#create-agent button[type=submit]")]);
      assert.match(await admin.page.locator(".notice--ok").textContent() ?? "", new RegExp(a.email));
    }
    await shot(admin.page, "admin-agents");

    await admin.page.goto(`${srv.url}/admin/canned`);
    await admin.page.fill("#create-canned [name=shortcut]", "thanks");
    await admin.page.fill("#create-canned [name=body]", CANNED);
    await Promise.all([admin.page.waitForURL(`${srv.url}/admin/canned`), admin.page.click("#create-canned button[type=submit]")]);
    assert.equal(await admin.page.locator(".canned-item input[name=shortcut]").inputValue(), "thanks");
    await shot(admin.page, "admin-canned");

    // ---- Alice logs in; the console's socket authenticates with the session cookie ----
    const alice = await newPage(browser);
    errors.push(alice.errors);
    await loginPage(alice.page, srv.url, ALICE.email, ALICE.password);
    await consoleReady(alice.page);

    // ---- a visitor with a hostile name writes; Alice is the only online agent ----
    const meta = { pageUrl: "https://shop.example.com/orders/1234?ref=mail", referrer: "https://www.google.com/", language: "de-DE", timezone: "Europe/Berlin" };
    const v = (await api<VisitorSessionBody>(srv.url, "POST", "/api/visitor/session", { name: XSS_NAME, email: "buyer@example.com", meta })).body;
    visitor = await connectVisitor(srv.url, v.token);
    for (const rtt of [120, 180, 950, 240, 160]) await call(visitor.socket, "hb", { t: Date.now(), rtt });
    const sent = await call(visitor.socket, "message:send", { clientMsgId: "v-1", type: "text", body: XSS_MSG });
    assert.equal(sent.ok, true);

    const item = alice.page.locator("#list .citem").first();
    await item.waitFor();
    assert.equal(await item.locator(".citem__name").textContent(), XSS_NAME);
    await item.click();
    const visitorLine = alice.page.locator(".msg--visitor .msg__text").first();
    await visitorLine.waitFor();
    assert.equal(await visitorLine.textContent(), XSS_MSG);
    assert.equal(await alice.page.locator("#chat-name").textContent(), XSS_NAME);
    await alice.page.locator("#v-name").waitFor();
    assert.equal(await alice.page.locator("#v-name").textContent(), XSS_NAME);
    await assertNoInjectedMarkup(alice.page);

    // ---- the canned response: "/" opens the picker, Enter inserts, Enter sends ----
    await alice.page.locator("#text").pressSequentially("/tha");
    await alice.page.locator("#canned .canned__item").first().waitFor();
    await alice.page.locator("#text").press("Enter");
    assert.equal(await alice.page.locator("#text").inputValue(), CANNED);
    await alice.page.locator("#text").press("Enter");
    await until(() => visitor!.received.some((m) => m.sender.type === "agent" && m.body === CANNED), 10_000, "the canned reply at the visitor");
    // The visitor reads it: Alice's row turns "Read".
    const last = visitor.received.filter((m) => m.body === CANNED)[0];
    await call(visitor.socket, "message:read", { upToSeq: last.seq });
    await alice.page.locator(".msg--own[data-state=read]").waitFor();
    await call(visitor.socket, "typing", { isTyping: true });
    await alice.page.locator("#typing", { hasText: "is typing" }).waitFor();
    await shot(alice.page, "console-alice-chat");

    // ---- Bob logs in; Alice transfers to him ----
    const bob = await newPage(browser);
    errors.push(bob.errors);
    await loginPage(bob.page, srv.url, BOB.email, BOB.password);
    await consoleReady(bob.page);
    await alice.page.focus("#transfer-to"); // refreshes who is online
    await alice.page.waitForFunction((name) => [...document.querySelectorAll("#transfer-to option")].some((o) => o.textContent!.startsWith(name)), BOB.name);
    const bobId = await alice.page.evaluate((name) => [...document.querySelectorAll<HTMLOptionElement>("#transfer-to option")].find((o) => o.textContent!.startsWith(name))!.value, BOB.name);
    await alice.page.selectOption("#transfer-to", bobId);
    await alice.page.click("#act-transfer");
    await alice.page.locator("#chat-notice", { hasText: `${BOB.name} is handling` }).waitFor();
    await until(async () => (await alice.page.locator("#list .citem").count()) === 0, 5000, "the conversation to leave Alice's list");
    await shot(alice.page, "console-alice-after-transfer");

    // ---- Bob sees it in Mine, with the history, and resolves it ----
    const bobItem = bob.page.locator("#list .citem").first();
    await bobItem.waitFor();
    await bobItem.click();
    await bob.page.locator(".msg--agent .msg__text", { hasText: CANNED }).waitFor();
    assert.equal(await bob.page.locator(".msg--visitor .msg__text").first().textContent(), XSS_MSG);
    await bob.page.locator(".msg--system", { hasText: `transferred to ${BOB.name}` }).waitFor();
    await shot(bob.page, "console-bob-before-resolve");
    await bob.page.click("#act-resolve");
    await bob.page.locator("#chat-status", { hasText: "resolved" }).waitFor();
    await until(() => visitor!.received.some((m) => m.type === "system" && /resolved/.test(m.body)), 10_000, "the resolved notice at the visitor");
    await assertNoInjectedMarkup(bob.page);
    await shot(bob.page, "console-bob-resolved");

    // ---- the admin finds it by the message text and reads the transcript ----
    await admin.page.goto(`${srv.url}/admin/conversations?q=${encodeURIComponent("#1234")}`);
    const link = admin.page.locator("table a.visitor-name").first();
    assert.equal(await link.textContent(), XSS_NAME);
    await shot(admin.page, "admin-search");
    await link.click();
    await admin.page.locator(".tm--visitor .tm__body").first().waitFor();
    assert.equal(await admin.page.locator(".tm--visitor .tm__body").first().textContent(), XSS_MSG);
    assert.equal(await admin.page.locator("h1.visitor-name").textContent(), XSS_NAME);
    await assertNoInjectedMarkup(admin.page);
    await shot(admin.page, "admin-transcript");

    await admin.page.goto(`${srv.url}/admin/health`);
    await admin.page.waitForTimeout(400); // the bars' width transition
    await shot(admin.page, "admin-health");
    await admin.page.goto(`${srv.url}/admin/widget`);
    await shot(admin.page, "admin-widget");
  });
});

// Verified identity in Chromium (PROTOCOL.md section 2): the same site user on two
// browsers (a laptop and a phone: separate contexts, separate storage) is one visitor
// with one conversation, a message written on one shows on the other; a guest who signs
// in on the site (Holdfast.identify after the chat loaded) becomes that user; the
// identify stub works before the widget loads; a wrong hash leaves a working guest chat.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import type { Browser, Frame, Page } from "playwright-core";
import { until } from "../helpers/clients.js";
import { ADMIN, type TestServer } from "../helpers/server.js";
import { consoleReady, loginPage } from "../console/helpers.js";
import { agentOnline, launch, newPage, shot, startServer, waitStates, type Agent } from "./browser.js";
import { hostSite, shopPage, type HostSite } from "./host-site.js";

const SECRET = "browser-identity-secret-0123456789";
const USER = "shop-user-77";
const HASH = createHmac("sha256", SECRET).update(USER).digest("hex");
const STUB = `<script>window.Holdfast = window.Holdfast || { q: [], identify: function (u) { this.q.push(["identify", u]); }, reset: function () { this.q.push(["reset"]); } };
Holdfast.identify({ userId: "${USER}", userHash: "${HASH}", name: "Mia Chen", email: "mia@example.com" });</script>`;

const launcher = (page: Page) => page.locator("#holdfast-widget .launcher");
const chat = (page: Page) => page.frameLocator("#holdfast-widget iframe");
/** The chat's frame, once it has loaded (again: an identity switch reloads it). */
async function chatFrame(page: Page, srv: TestServer): Promise<Frame> {
  await until(() => page.frames().some((f) => f.url().startsWith(`${srv.url}/?embed=1`)), 10_000, "the chat frame");
  return page.frames().find((f) => f.url().startsWith(`${srv.url}/?embed=1`))!;
}
/** The visitor id of the frame's stored token ("v.<id>.<exp>.<mac>"), once it has one. */
async function visitorIdIn(page: Page, srv: TestServer): Promise<string> {
  let id = "";
  await until(async () => {
    const f = await chatFrame(page, srv);
    id = await f.evaluate(() => JSON.parse(localStorage.getItem("holdfast.visitor.token") ?? "null")?.split(".")[1] ?? "").catch(() => "");
    return !!id;
  }, 10_000, "a session in the chat frame");
  return id;
}
const theirText = (page: Page, text: string) => chat(page).locator(".hf-row .hf-bubble", { hasText: text });

describe("verified identity across devices (Chromium)", function () {
  this.timeout(90_000);
  let browser: Browser;
  let host: HostSite;
  let srv: TestServer;
  let agent: Agent;

  before(async () => {
    browser = await launch();
    host = await hostSite();
    host.page("/account", shopPage("My account – Acme", `data-user-id="${USER}" data-user-hash="${HASH}" data-user-name="Mia Chen" data-user-email="mia@example.com"`));
    host.page("/", shopPage("Acme Store"));
    host.page("/stub", shopPage("Acme Store", "", STUB));
    host.page("/wrong", shopPage("Acme Store", `data-user-id="${USER}" data-user-hash="${"0".repeat(64)}"`));
    srv = await startServer({ env: { ALLOWED_ORIGINS: host.url, IDENTITY_SECRET: SECRET } });
    host.serve(srv.url);
    agent = await agentOnline(srv.url);
  });
  after(async () => {
    agent?.close();
    await browser?.close();
    await srv?.stop();
    await host?.close();
  });

  it("one user on a laptop and a phone: one visitor, one history, live on both", async () => {
    const laptop = await newPage(browser);
    const phone = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await laptop.page.goto(`${host.url}/account`);
    await launcher(laptop.page).click();
    await chat(laptop.page).locator(".hf-textarea").fill("Hi, my parcel #5521 has not arrived");
    await chat(laptop.page).locator(".hf-textarea").press("Enter");
    await waitStates(await chatFrame(laptop.page, srv), ["Hi, my parcel #5521 has not arrived"], ["sent", "delivered", "read"]);
    const conv = await agent.waitConversation();
    assert.equal(conv.visitor.name, "Mia Chen", "the name from data-user-name");

    await phone.page.goto(`${host.url}/account`);
    await launcher(phone.page).tap();
    // The phone never wrote anything: its transcript comes from the server.
    await theirText(phone.page, "my parcel #5521").waitFor({ timeout: 15_000 });
    assert.equal(await visitorIdIn(phone.page, srv), await visitorIdIn(laptop.page, srv), "the same visitorId on both devices");
    assert.equal(await chat(phone.page).locator(".hf-row--mine .hf-bubble", { hasText: "#5521" }).count(), 1, "shown as the visitor's own message");

    await chat(phone.page).locator(".hf-textarea").fill("Sent from my phone");
    await chat(phone.page).locator(".hf-textarea").press("Enter");
    await theirText(laptop.page, "Sent from my phone").waitFor({ timeout: 10_000 });
    await agent.send(conv.id, "Hi Mia, I am checking #5521 now.");
    await theirText(laptop.page, "checking #5521").waitFor();
    await theirText(phone.page, "checking #5521").waitFor();
    const bodies = (await agent.transcript(conv.id)).filter((m) => m.sender.type === "visitor").map((m) => m.body);
    assert.deepEqual(bodies, ["Hi, my parcel #5521 has not arrived", "Sent from my phone"], "one conversation holds both devices' messages");
    assert.equal(await srv.application.services.db.prisma.visitor.count({ where: { externalUserId: USER } }), 1);
    await shot(phone.page, "ident-phone");

    // The agent's panel: one verified visitor, on two devices.
    const desk = await newPage(browser, { viewport: { width: 1400, height: 860 } });
    await loginPage(desk.page, srv.url, ADMIN.email, ADMIN.password);
    await consoleReady(desk.page);
    await desk.page.locator("#list .citem", { hasText: "Mia Chen" }).click();
    const fact = (label: string) => desk.page.locator("#v-facts dt", { hasText: label }).locator("xpath=following-sibling::dd[1]");
    await fact("Verified user").waitFor();
    assert.equal(await fact("Verified user").textContent(), USER);
    assert.equal(await desk.page.locator("#v-email").textContent(), "mia@example.com");
    await until(async () => (await desk.page.locator("#h-facts dt", { hasText: "Devices" }).locator("xpath=following-sibling::dd[1]").textContent()) === "2", 15_000, "two devices");
    await shot(desk.page, "ident-console-verified");
    await desk.context.close();
    await laptop.context.close();
    await phone.context.close();
  });

  it("a guest who signs in on the site (Holdfast.identify after load) switches to the user's chat", async () => {
    const { context, page, errors } = await newPage(browser);
    await page.goto(host.url);
    await launcher(page).click();
    await chat(page).locator(".hf-textarea").fill("Guest question before signing in");
    await chat(page).locator(".hf-textarea").press("Enter");
    await waitStates(await chatFrame(page, srv), ["Guest question before signing in"], ["sent", "delivered", "read"]);
    const guestId = await visitorIdIn(page, srv);
    await page.evaluate(([userId, userHash]) => (window as unknown as { Holdfast: { identify(u: object): void } }).Holdfast.identify({ userId, userHash }), [USER, HASH]);
    await theirText(page, "my parcel #5521").waitFor({ timeout: 15_000 });
    const userId = await visitorIdIn(page, srv);
    assert.notEqual(userId, guestId);
    assert.equal(await chat(page).locator(".hf-bubble", { hasText: "Guest question" }).count(), 0, "the guest's chat is gone from the screen");

    // The user signs out of the site: Holdfast.reset() leaves a fresh guest, none of the user's chat.
    await page.evaluate(() => (window as unknown as { Holdfast: { reset(): void } }).Holdfast.reset());
    await until(async () => (await theirText(page, "#5521").count()) === 0 && (await chat(page).locator(".hf-textarea").count()) === 1, 10_000, "the user's chat gone");
    const frame = await chatFrame(page, srv);
    await until(async () => (await frame.evaluate(() => localStorage.getItem("holdfast.visitor.token")).catch(() => "x")) === null, 5000, "no token left");
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("the stub queues identify before the widget loads", async () => {
    const { context, page, errors } = await newPage(browser);
    await page.goto(`${host.url}/stub`);
    await launcher(page).click();
    await theirText(page, "my parcel #5521").waitFor({ timeout: 15_000 });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("a wrong hash leaves a working guest chat, and the site's developer is told why", async () => {
    const { context, page } = await newPage(browser);
    const warnings: string[] = [];
    page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
    await page.goto(`${host.url}/wrong`);
    await launcher(page).click();
    await chat(page).locator(".hf-textarea").fill("Hello as a guest");
    await chat(page).locator(".hf-textarea").press("Enter");
    await waitStates(await chatFrame(page, srv), ["Hello as a guest"], ["sent", "delivered", "read"]);
    assert.equal(await theirText(page, "#5521").count(), 0, "none of the user's history");
    assert.ok(warnings.some((w) => /identify/.test(w)), `a console warning, got ${JSON.stringify(warnings)}`);
    await context.close();
  });
});

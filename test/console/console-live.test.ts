// The console's live behaviour in Chromium: history loaded a window at a time as the
// agent scrolls up, two tabs of the same agent in sync, a hidden tab notifying, replies
// typed while offline sent on reconnect, claiming a waiting conversation by replying,
// an image upload (picked or dropped), and moving through conversations without the mouse.
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { agentToken, call, connectVisitor, createAgent, sendAccepted, until, visitorSession, type Participant } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { buildConsoleBundles, consoleReady, launch, loginPage, newPage, shot } from "./helpers.js";

const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082", "hex");

/** Records notifications and lets the test hide the tab (headless tabs are always
 * visible). A string, not a function: the test runner's transpiler would add helpers
 * to a serialized function that do not exist in the page. */
const HARNESS = `
  window.__notes = [];
  window.Notification = class {
    static permission = "granted";
    static requestPermission() { return Promise.resolve("granted"); }
    constructor(title, opts) { window.__notes.push({ title, body: opts && opts.body }); this.onclick = null; }
    close() {}
  };
  let hidden = false;
  Object.defineProperty(document, "visibilityState", { get: () => (hidden ? "hidden" : "visible") });
  Object.defineProperty(document, "hidden", { get: () => hidden });
  window.__setHidden = (h) => { hidden = h; document.dispatchEvent(new Event("visibilitychange")); };
`;

describe("agent console, live behaviour in Chromium", function () {
  this.timeout(120_000);
  let srv: TestServer;
  let browser: Browser;
  let agent: { email: string; agentId: string; token: string };
  const closers: (() => void)[] = [];
  const errors: string[][] = [];

  async function open(): Promise<Page> {
    const p = await newPage(browser);
    errors.push(p.errors);
    await p.context.addInitScript({ content: HARNESS });
    await loginPage(p.page, srv.url, agent.email, "password-123");
    await consoleReady(p.page);
    return p.page;
  }
  async function visitorWith(name: string, body: string): Promise<Participant & { visitorId: string }> {
    const v = await visitorSession(srv.url, name);
    const visitor = await connectVisitor(srv.url, v.token);
    closers.push(visitor.close);
    await call(visitor.socket, "message:send", { clientMsgId: `${name}-0`, type: "text", body });
    return Object.assign(visitor, { visitorId: v.visitorId });
  }
  const convOf = async (visitorId: string) => (await srv.application.services.repos.conversations.activeForVisitor(visitorId))!;

  before(async () => {
    buildConsoleBundles();
    srv = await startServer();
    browser = await launch();
    agent = await createAgent(srv.url, (await agentToken(srv.url)).token, "Lena Live", { maxConcurrent: 10 });
  });
  after(async () => {
    closers.forEach((c) => c());
    await browser?.close();
    await srv?.stop();
  });
  afterEach(() => {
    const all = errors.flat();
    assert.deepEqual(all, [], all.join("\n"));
  });

  it("loads the latest 50 messages, and older ones as the agent scrolls up", async () => {
    const page = await open();
    const visitor = await visitorWith("Long Talker", "message 1");
    // 120 sends in a row are past a visitor's send budget (10 a second plus 100 a minute)
    // on a fast machine: the refused ones are sent again after retryAfterMs, as any
    // client must, so that all 120 are stored.
    for (let i = 2; i <= 120; i++) await sendAccepted(visitor.socket, { clientMsgId: `lt-${i}`, type: "text", body: `message ${i}` });
    const conv = await convOf(visitor.visitorId);
    // The open page followed all 120 live; a fresh page holds none and loads a window.
    await page.reload();
    await consoleReady(page);
    await page.locator(`.citem[data-id="${conv.id}"]`).click();
    await page.locator(".msg__text", { hasText: "message 120" }).waitFor();
    const count = () => page.locator(".msg--visitor").count();
    const first = await count();
    assert.ok(first <= 52 && first >= 45, `opened with ${first} messages`);
    await shot(page, "console-history-latest");
    for (let i = 0; i < 5 && (await count()) < 120; i++) {
      const before = await count();
      await page.locator("#scroll").evaluate((el) => (el.scrollTop = 0));
      await until(async () => (await count()) > before, 5000, "older messages");
    }
    assert.equal(await count(), 120);
    const seqs = await page.$$eval(".msg[data-seq]", (els) => els.map((e) => Number((e as HTMLElement).dataset.seq)));
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), "in seq order");
    assert.equal(new Set(seqs).size, seqs.length, "no duplicates");
    await page.context().close();
  });

  it("keeps two tabs of the same agent in sync, and a hidden tab notifies", async () => {
    const a = await open();
    const b = await open();
    const visitor = await visitorWith("Tab Tester", "hello from the visitor");
    const conv = await convOf(visitor.visitorId);
    for (const p of [a, b]) await p.locator(`.citem[data-id="${conv.id}"]`).waitFor();
    await a.locator(`.citem[data-id="${conv.id}"]`).click();
    await a.locator("#text").fill("reply from tab A");
    await a.locator("#text").press("Enter");
    await b.locator(`.citem[data-id="${conv.id}"] .citem__line`, { hasText: "You: reply from tab A" }).waitFor();
    // Tab A read the conversation: tab B's unread badge goes away.
    await until(async () => (await b.locator(`.citem[data-id="${conv.id}"] .unread`).count()) === 0, 5000, "unread cleared in tab B");

    // Tab B goes to the background; a new visitor message notifies there.
    await b.evaluate(() => (window as unknown as { __setHidden(h: boolean): void }).__setHidden(true));
    await a.evaluate(() => (window as unknown as { __setHidden(h: boolean): void }).__setHidden(true));
    await call(visitor.socket, "message:send", { clientMsgId: "tt-2", type: "text", body: "are you there?" });
    await b.waitForFunction(() => (window as unknown as { __notes: unknown[] }).__notes.length > 0);
    const notes = await b.evaluate(() => (window as unknown as { __notes: { title: string; body: string }[] }).__notes);
    assert.deepEqual(notes.at(-1), { title: "Tab Tester", body: "are you there?" });
    await b.waitForFunction(() => /^\(1\) /.test(document.title));
    await b.evaluate(() => (window as unknown as { __setHidden(h: boolean): void }).__setHidden(false));
    await b.locator(`.citem[data-id="${conv.id}"]`).click();
    await b.waitForFunction(() => !/^\(\d+\) /.test(document.title));
    await shot(b, "console-two-tabs");
    await a.context().close();
    await b.context().close();
  });

  it("keeps replies typed while offline and sends them on reconnect", async () => {
    const page = await open();
    const visitor = await visitorWith("Offline Olga", "hi");
    const conv = await convOf(visitor.visitorId);
    await page.locator(`.citem[data-id="${conv.id}"]`).click();
    await page.context().setOffline(true);
    await page.evaluate(() => window.dispatchEvent(new Event("offline")));
    await page.locator("#banner:not([hidden])").waitFor();
    await page.locator("#text").fill("written while offline");
    await page.locator("#text").press("Enter");
    await page.locator(".msg[data-state=pending]", { hasText: "written while offline" }).waitFor();
    await shot(page, "console-offline");
    await page.context().setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    await until(() => visitor.received.some((m) => m.body === "written while offline"), 15_000, "the reply after reconnect");
    await page.locator("#banner[hidden]").waitFor({ state: "attached" });
    await page.context().close();
  });

  it("claims a waiting conversation by replying to it, and sends an image", async () => {
    const page = await open();
    await page.selectOption("#my-status", "away");
    await until(async () => (await srv.application.services.presence.agentStatus(agent.agentId)) === "away", 5000, "away");
    const visitor = await visitorWith("Waiting Will", "anyone?");
    const conv = await convOf(visitor.visitorId);
    assert.equal(conv.status, "waiting");
    await page.locator('.ctab[data-scope="waiting"]').click();
    await page.locator(`.citem[data-id="${conv.id}"] .citem__line`, { hasText: "anyone?" }).waitFor(); // what they asked
    await page.locator(`.citem[data-id="${conv.id}"] .unread`).waitFor(); // unread until looked at
    await page.locator(`.citem[data-id="${conv.id}"]`).click();
    await page.locator(`.citem[data-id="${conv.id}"] .unread`).waitFor({ state: "detached" });
    assert.match(await page.locator("#text").getAttribute("placeholder") ?? "", /claim/);
    await shot(page, "console-waiting");
    await page.locator("#text").fill("I can help!");
    await page.locator("#text").press("Enter");
    await until(() => visitor.received.some((m) => m.body === "I can help!"), 10_000, "the reply");
    assert.equal((await srv.application.services.repos.conversations.byId(conv.id))!.agent_id, agent.agentId);
    await page.locator("#chat-status", { hasText: "open" }).waitFor();

    await page.setInputFiles("#file", { name: "screenshot.png", mimeType: "image/png", buffer: PNG });
    await until(() => visitor.received.some((m) => m.type === "image" && m.attachment?.name === "screenshot.png"), 10_000, "the image");
    await page.locator(".msg--own .att-img img").waitFor();
    // A file dropped on the conversation goes out the same way.
    const dropped = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(["order 1042: 2 x mug\n"], "order.txt", { type: "text/plain" }));
      return dt;
    });
    await page.dispatchEvent("#chat", "drop", { dataTransfer: dropped });
    await until(() => visitor.received.some((m) => m.type === "file" && m.attachment?.name === "order.txt"), 10_000, "the dropped file");
    await page.selectOption("#my-status", "online");
    await page.context().close();
  });

  it("moves on to the next conversation after resolving one, and Alt+Down walks the list", async () => {
    const page = await open();
    const visitor = await visitorWith("Resolved Rita", "that's all, thanks");
    const conv = await convOf(visitor.visitorId);
    await page.locator(`.citem[data-id="${conv.id}"]`).click();
    await page.locator("#chat-name", { hasText: "Resolved Rita" }).waitFor();
    await page.click("#act-resolve");
    await page.locator("#toast", { hasText: "Resolved the conversation with Resolved Rita." }).waitFor();
    const selected = () => page.locator(".citem--on").getAttribute("data-id");
    const ids = () => page.$$eval("#list .citem", (lis) => lis.map((li) => (li as HTMLElement).dataset.id!));
    await until(async () => (await page.locator(".citem--on").count()) === 1, 5000, "the next conversation open");
    assert.ok(!(await ids()).includes(conv.id), "the resolved one left Mine");
    assert.equal(await page.locator("#chat-status").textContent(), "open");
    const list = await ids();
    assert.ok(list.length >= 2, `only ${list.length} open`);
    const from = list.indexOf((await selected())!);
    await page.locator("#text").press("Alt+ArrowDown");
    await until(async () => (await selected()) === list[(from + 1) % list.length], 5000, "Alt+Down to the next");
    await page.locator("#text").press("Alt+ArrowUp");
    await until(async () => (await selected()) === list[from], 5000, "Alt+Up back");
    await page.context().close();
  });
});

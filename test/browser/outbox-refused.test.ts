// A message the server refuses as invalid leaves the outbox's send loop for good, with a
// visible reason and no retry, on the visitor page and in the agent console; so does an
// over-long one (200 KB, or 1.2 MB: a frame the server would close the connection for),
// which the client refuses without sending. Messages queued behind them go out; the page
// never reconnects in a loop.
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { agentToken, call, connectVisitor, createAgent, sleep, until, visitorSession } from "../helpers/clients.js";
import type { TestServer } from "../helpers/server.js";
import { consoleReady, loginPage } from "../console/helpers.js";
import { launch, myRows, newPage, startServer, waitStates } from "./browser.js";

const LONG = "x".repeat(200_000);
const HUGE = "y".repeat(1_200_000);

/** Counts the handshakes each namespace accepts from now on. */
function connections(srv: TestServer) {
  const n = { visitor: 0, agent: 0 };
  srv.application.io.of("/visitor").on("connection", () => n.visitor++);
  srv.application.io.of("/agent").on("connection", () => n.agent++);
  return n;
}

describe("outbox: messages refused as invalid (Chromium)", function () {
  this.timeout(90_000);
  let browser: Browser;
  let srv: TestServer;
  before(async () => {
    browser = await launch();
    srv = await startServer();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it("the visitor page fails an over-long queued message with its reason, sends the next, and does not reconnect", async () => {
    const seen = connections(srv);
    const { context, page, errors } = await newPage(browser);
    // What an older page (or another tab) left in the outbox before this load. (No named
    // functions in page code: the test transpiler would add helpers the page lacks.)
    const item = (clientMsgId: string, body: string, type = "text") => ({ clientMsgId, type, body, createdAt: new Date().toISOString(), attempts: 0, state: "pending" });
    // The server refuses an image without its attachment: VALIDATION, whatever its length.
    const outbox = JSON.stringify([item("long-1", LONG), item("bad-1", "no picture here", "image"), item("huge-1", HUGE), item("ok-1", "after the long ones")]);
    await context.addInitScript((json) => {
      if (sessionStorage.getItem("seeded")) return;
      sessionStorage.setItem("seeded", "1");
      localStorage.setItem("holdfast.visitor.outbox", json);
    }, outbox);
    await page.goto(srv.url);
    await waitStates(page, ["after the long ones"], ["sent", "delivered", "read"]);
    await waitStates(page, [LONG, "no picture here", HUGE], ["failed"]);
    const failed = page.locator(".hf-row--mine[data-state=failed]");
    const reasons = await failed.locator(".hf-failed").evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText.replace(/\s+/g, " ").trim()));
    // A visible reason, and no retry that cannot help.
    assert.deepEqual(reasons, ["Not sent: too long Remove", "Not sent: not accepted Remove", "Not sent: too long Remove"]);
    await sleep(2000);
    assert.equal(seen.visitor, 1, "one connection: no reconnect loop");
    assert.equal(await page.locator("#hf-app").getAttribute("data-status"), "connected");
    await failed.first().locator("button", { hasText: "Remove" }).click();
    await failed.first().locator("button", { hasText: "Remove" }).click();
    await until(async () => (await failed.count()) === 1, 5000, "removed");
    // The transcript, then what is still in the outbox.
    assert.deepEqual((await myRows(page)).map((r) => r.text.length), ["after the long ones".length, HUGE.length]);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("the console fails an over-long reply with its reason, sends the next, and does not reconnect", async () => {
    const admin = await agentToken(srv.url);
    const agent = await createAgent(srv.url, admin.token, "Olga Outbox", { maxConcurrent: 10 });
    const { context, page, errors } = await newPage(browser);
    await loginPage(page, srv.url, agent.email, "password-123");
    await consoleReady(page);
    const seen = connections(srv);
    const v = await visitorSession(srv.url, "Long Reply");
    const visitor = await connectVisitor(srv.url, v.token);
    const first = await call(visitor.socket, "message:send", { clientMsgId: "q", type: "text", body: "question" });
    assert.ok(first.ok);
    const cid = first.message.conversationId;
    await until(async () => (await srv.application.services.repos.conversations.byId(cid))?.agent_id === agent.agentId, 10_000, "assigned");
    await page.locator(`.citem[data-id="${cid}"]`).click();
    // Past the composer's maxlength, as an older console's outbox could hold.
    await page.evaluate(({ cid, long }) => {
      const rt = (window as unknown as { holdfast: { rt: { send(n: object): void } } }).holdfast.rt;
      rt.send({ conversationId: cid, type: "text", body: long });
      rt.send({ conversationId: cid, type: "text", body: "the short answer" });
    }, { cid, long: LONG });
    await until(() => visitor.received.some((m) => m.body === "the short answer"), 10_000, "the reply behind it");
    const failed = page.locator(".msg[data-state=failed]");
    await failed.waitFor();
    assert.match(await failed.locator(".msg__failed").innerText(), /^Not sent: too long\.\s+Discard$/);
    await sleep(1500);
    assert.equal(seen.agent, 0, "the console's socket stayed up");
    assert.ok(!visitor.received.some((m) => m.body === LONG));
    assert.deepEqual(errors, []);
    visitor.close();
    await context.close();
  });
});

// Bad networks in real Chromium: messages typed while offline wait in the outbox and
// arrive exactly once, in order, when the browser is back; a reload with unsent
// messages loses nothing, nor does a second tab; a reload racing an ack creates no duplicate.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { until } from "../helpers/clients.js";
import { chatSuite, myRows, newPage, sendFromPage, shot, socketGate, triggerWhileWaiting, visitorBodies, waitStates } from "./browser.js";

const DONE = ["sent", "delivered", "read"];

/** Watches the banner while the server stays unreachable, until one whole attempt
 * (connecting, then waiting again) has passed: how often its "Retry now" was hidden.
 * (No named functions inside: the test transpiler would add helpers the page lacks.) */
function watchBanner(page: Page) {
  return page.evaluate(
    () =>
      new Promise<{ hidden: number; states: string[] }>((resolve) => {
        const app = document.getElementById("hf-app")!;
        const banner = document.querySelector<HTMLElement>(".hf-banner")!;
        const button = document.querySelector<HTMLElement>(".hf-banner-btn")!;
        const states = [app.dataset.status ?? ""];
        let hidden = 0;
        const obs = new MutationObserver(() => {
          if (banner.hidden || button.hidden) hidden++;
          if (app.dataset.status !== states.at(-1)) states.push(app.dataset.status ?? "");
          const tried = states.indexOf("connecting");
          if (tried >= 0 && states.lastIndexOf("reconnecting") > tried) obs.disconnect(), resolve({ hidden, states });
        });
        obs.observe(app, { subtree: true, attributes: true, attributeFilter: ["hidden", "data-status"] });
        setTimeout(() => (obs.disconnect(), resolve({ hidden, states })), 20_000);
      }),
  );
}

describe("visitor page on a bad network (Chromium)", function () {
  this.timeout(90_000);
  const chat = chatSuite();

  it("holds three messages typed offline and delivers each exactly once, in order", async () => {
    const { context, page, errors } = await newPage(chat.browser);
    await page.goto(chat.srv.url);
    await sendFromPage(page, "first");
    await waitStates(page, ["first"], DONE);
    const conv = await chat.agent.waitConversation();

    await context.setOffline(true);
    await page.locator("#hf-app[data-status=offline]").waitFor();
    for (const text of ["one", "two", "three"]) await sendFromPage(page, text);
    await chat.agent.send(conv.id, "while you were away"); // reaches the page only through `sync`
    assert.deepEqual((await myRows(page)).slice(1), ["one", "two", "three"].map((text) => ({ text, state: "pending" })));
    await page.locator(".hf-banner[data-state=offline]").waitFor();
    await shot(page, "page-offline");

    await context.setOffline(false); // `online` fires: the page reconnects at once
    await waitStates(page, ["one", "two", "three"], DONE);
    const transcript = await chat.agent.transcript(conv.id);
    assert.deepEqual(visitorBodies(transcript), ["first", "one", "two", "three"]);
    const away = page.locator(".hf-row--theirs .hf-bubble", { hasText: "while you were away" });
    await away.waitFor();
    assert.equal(await away.count(), 1);
    // The page holds the conversation in seq order: the agent's message (sent while the
    // visitor was offline) sits before the three that reached the server later.
    const pageOrder = await page.$$eval(".hf-list .hf-bubble, .hf-list .hf-system", (els) => els.map((e) => e.textContent));
    const serverOrder = transcript.map((m) => m.body);
    assert.deepEqual(pageOrder, serverOrder);
    await until(() => chat.agent.received.filter((m) => m.body === "three").length > 0, 5000, "live delivery to the agent");
    const live = chat.agent.received.filter((m) => ["one", "two", "three"].includes(m.body)).map((m) => m.body);
    assert.deepEqual(live, ["one", "two", "three"], "each delivered to the agent once, in order");

    // The handshake told the server about the reconnect and the last seq held.
    const auths = [...chat.srv.application.io.of("/visitor").sockets.values()].map((s) => s.handshake.auth as Record<string, unknown>);
    assert.ok(auths.some((a) => Number(a.reconnects) >= 1 && Number(a.lastSeq) >= 1), JSON.stringify(auths));
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("keeps unsent messages across a reload and sends them when the server is reachable", async () => {
    const { context, page, errors } = await newPage(chat.browser);
    const gate = await socketGate(page);
    await page.goto(chat.srv.url);
    await sendFromPage(page, "before reload");
    await waitStates(page, ["before reload"], DONE);
    const conv = await chat.agent.waitConversation();

    await context.setOffline(true);
    await page.locator("#hf-app[data-status=offline]").waitFor();
    await sendFromPage(page, "typed offline 1");
    await sendFromPage(page, "typed offline 2");
    gate.set("refuse"); // the network is back but the chat server is not reachable
    await context.setOffline(false);
    await page.reload();
    await page.locator(".hf-booted").waitFor();
    await until(async () => (await myRows(page)).length >= 3, 10_000, "transcript after reload");
    // The conversation so far (cached) and the two unsent messages, still pending.
    assert.deepEqual(await myRows(page), [
      { text: "before reload", state: "sent" },
      { text: "typed offline 1", state: "pending" },
      { text: "typed offline 2", state: "pending" },
    ]);
    const retry = page.locator(".hf-banner-btn"); // "Retry now"
    await retry.waitFor({ state: "visible", timeout: 20_000 });
    await shot(page, "page-reconnecting");
    // Steady: the banner and its button stay up through the backoff waits and the
    // attempts alike, instead of blinking out whenever an attempt is in flight.
    const watched = await watchBanner(page);
    assert.deepEqual({ hidden: watched.hidden, attempted: watched.states.includes("connecting") }, { hidden: 0, attempted: true }, watched.states.join(" > "));

    // From here on attempts hang instead of failing: nothing gets through until the gate
    // opens. The button can be clicked (visible, still, not covered) and, clicked while
    // the page waits out its backoff, starts an attempt at once: the one that gets through.
    gate.set("hold");
    await retry.click({ trial: true });
    let clicked = "not waiting";
    await until(async () => (clicked = await triggerWhileWaiting(page, "button")) !== "not waiting", 20_000, "the page waiting to retry");
    assert.equal(clicked, "attempting");
    gate.set("open");
    await waitStates(page, ["typed offline 1", "typed offline 2"], DONE);
    assert.deepEqual(visitorBodies(await chat.agent.transcript(conv.id)), ["before reload", "typed offline 1", "typed offline 2"]);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("shares one outbox between two tabs: what either typed survives the other", async () => {
    const { context, page: a, errors } = await newPage(chat.browser);
    await a.goto(chat.srv.url);
    await sendFromPage(a, "hello from two tabs");
    await waitStates(a, ["hello from two tabs"], DONE);
    const conv = await chat.agent.waitConversation();
    const b = await context.newPage();
    const gate = await socketGate(b);
    await b.goto(chat.srv.url);
    await b.locator("#hf-app[data-status=connected]").waitFor();

    await context.setOffline(true);
    for (const p of [a, b]) await p.locator("#hf-app[data-status=offline]").waitFor();
    await sendFromPage(a, "typed in tab A");
    await sendFromPage(b, "typed in tab B"); // B loaded before A queued its message
    await a.close(); // tab A is gone before it could send
    gate.set("refuse");
    await context.setOffline(false);
    await b.reload();
    const pending = async () => (await myRows(b)).filter((r) => r.state === "pending").map((r) => r.text);
    await until(async () => (await pending()).length === 2, 10_000, "both tabs' messages after the reload");
    assert.deepEqual(await pending(), ["typed in tab A", "typed in tab B"]);

    gate.set("open");
    await waitStates(b, ["typed in tab A", "typed in tab B"], DONE, 40_000);
    assert.deepEqual(visitorBodies(await chat.agent.transcript(conv.id)), ["hello from two tabs", "typed in tab A", "typed in tab B"]);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("creates no duplicate when the page reloads while a send is in flight", async () => {
    const { context, page } = await newPage(chat.browser);
    await page.goto(chat.srv.url);
    await sendFromPage(page, "hello");
    await waitStates(page, ["hello"], DONE);
    const conv = await chat.agent.waitConversation();
    await sendFromPage(page, "racing the reload");
    await page.reload(); // the ack may or may not have arrived; the outbox resends by clientMsgId
    await waitStates(page, ["racing the reload"], DONE);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(visitorBodies(await chat.agent.transcript(conv.id)), ["hello", "racing the reload"]);
    assert.equal((await myRows(page)).filter((r) => r.text === "racing the reload").length, 1);
    await context.close();
  });
});

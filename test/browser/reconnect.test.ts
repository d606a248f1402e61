// The visitor page's connection in real Chromium: the reconnect schedule (exponential
// backoff with full jitter, capped at 30 s), an attempt at once when the browser is back
// online, the tab visible again or "Retry now" is clicked, the handshake that tells the
// server about it, the heartbeat behind the link indicator, and the agent's presence.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { backoffDelay } from "../../src/client/runtime/util.js";
import { until } from "../helpers/clients.js";
import { chatSuite, myRows, newPage, sendFromPage, socketGate, triggerWhileWaiting, waitStates } from "./browser.js";

describe("the visitor page's connection (Chromium)", function () {
  this.timeout(90_000);
  const chat = chatSuite({ env: { HEARTBEAT_INTERVAL_MS: "1000" } });

  it("backs off exponentially with full jitter, capped at 30 s", () => {
    for (const [attempt, ceiling] of [[0, 1000], [1, 2000], [3, 8000], [4, 16_000], [5, 30_000], [40, 30_000]]) {
      const waits = Array.from({ length: 4000 }, () => backoffDelay(attempt));
      assert.ok(waits.every((w) => Number.isInteger(w) && w >= 0 && w <= ceiling), `attempt ${attempt} beyond [0, ${ceiling}]`);
      // Full jitter: uniform over the whole [0, ceiling], so short waits are as likely as
      // long ones (equal jitter would never go below half, no jitter never below the ceiling).
      const mean = waits.reduce((a, b) => a + b, 0) / waits.length;
      assert.ok(Math.abs(mean - ceiling / 2) < ceiling * 0.05, `attempt ${attempt}: mean ${mean}`);
      assert.ok(waits.filter((w) => w < ceiling / 4).length > waits.length * 0.2, `attempt ${attempt}: too few short waits`);
      assert.ok(waits.filter((w) => w > (ceiling * 3) / 4).length > waits.length * 0.2, `attempt ${attempt}: too few long waits`);
    }
  });

  it("shows the agent's presence and the link, and retries at once when told the way is clear", async () => {
    const { context, page, errors } = await newPage(chat.browser);
    const gate = await socketGate(page);
    await page.goto(chat.srv.url);
    await sendFromPage(page, "hello");
    const conv = await chat.agent.waitConversation();
    // The agent is online: the header says so, and the message has reached them.
    await page.locator(".hf-dot[data-presence=online]").waitFor();
    assert.equal(await page.locator(".hf-subtitle").innerText(), "Admin is online");
    await waitStates(page, ["hello"], ["delivered"]);

    // `hb` every heartbeatIntervalMs (1 s here), each carrying the last RTT measured.
    const visitor = { type: "visitor" as const, id: conv.visitor.id };
    await until(async () => (await chat.srv.application.services.presence.health(visitor)).rttHistory.length >= 3, 10_000, "three RTTs at the server");
    await page.locator(".hf-link[data-quality=good]").waitFor();
    assert.match((await page.locator(".hf-link").getAttribute("title")) ?? "", /^Connection: good \(\d+ ms\)$/);

    // The server goes away: the page waits out its backoff, the link shows "not connected".
    gate.set("refuse");
    for (const s of chat.srv.application.io.of("/visitor").sockets.values()) if (s.data.id === conv.visitor.id) s.disconnect(true);
    await page.locator(".hf-banner[data-state=waiting] .hf-banner-btn").waitFor();
    // Beside "Retry now", the connection test, carrying the ticket that shows its result to the agent.
    const test = page.locator(".hf-banner[data-state=waiting] .hf-banner-link");
    await test.waitFor();
    assert.equal(await test.innerText(), "Test my connection");
    assert.match((await test.getAttribute("href")) ?? "", /^\/diagnostics\?lang=en&t=d\./);
    assert.equal(await page.locator(".hf-link").getAttribute("data-quality"), "none");

    // Each of these cuts the wait short: an attempt starts there and then.
    for (const trigger of ["online", "visible", "button"] as const) {
      let result = "not waiting";
      await until(async () => (result = await triggerWhileWaiting(page, trigger)) !== "not waiting", 40_000, `waiting, for ${trigger}`);
      assert.equal(result, "attempting", trigger);
    }

    // The server accepts connections but does not answer: an attempt hangs. Clicked a few
    // seconds into it, "Retry now" gives up on it and starts another.
    gate.set("hold");
    await until(async () => gate.held() > 0, 40_000, "an attempt in flight");
    const before = gate.held();
    await page.waitForTimeout(4500);
    await page.locator(".hf-banner-btn").click();
    await until(async () => gate.held() > before, 5000, "a new attempt after the click");

    // The way is clear again: the handshake says this is a reconnect, and from which seq.
    gate.set("open");
    await page.locator("#hf-app[data-status=connected]").waitFor({ timeout: 20_000 });
    await page.locator(".hf-banner[data-state=back]").waitFor(); // "Connected", briefly
    await page.locator(".hf-banner").waitFor({ state: "hidden" });
    const auth = [...chat.srv.application.io.of("/visitor").sockets.values()].find((s) => s.data.id === conv.visitor.id)!.handshake.auth;
    const lastSeq = (await chat.agent.transcript(conv.id)).at(-1)!.seq;
    assert.deepEqual({ reconnects: auth.reconnects, lastSeq: auth.lastSeq }, { reconnects: 1, lastSeq });

    // A reloaded page learns the agent's presence at once, not at their next change.
    await page.reload();
    await page.locator(".hf-dot[data-presence=online]").waitFor();
    assert.deepEqual(await myRows(page), [{ text: "hello", state: "delivered" }]);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

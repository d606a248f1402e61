// Keepalive that adapts, measured in Chromium through a proxy that closes connections
// idle for 2.5 s (the server's heartbeat is 25 s, its transport pings 10 s apart): with
// the server's floor at the heartbeat itself (no adaptation allowed) the link drops again
// and again; with a floor of 1 s the page learns a shorter heartbeat after two drops at
// the same silence and the link stays up, and the server records what it learned.
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { launch, newPage, sendFromPage, startServer } from "../browser/browser.js";
import { startFaultProxy } from "../helpers/fault-proxy.js";

const WINDOW_MS = 30_000;

async function dropsIn(browser: Browser, minIntervalMs: number) {
  const srv = await startServer({ env: { HEARTBEAT_MIN_INTERVAL_MS: String(minIntervalMs) } });
  const proxy = await startFaultProxy({ port: srv.port });
  try {
    proxy.idleCut(2500);
    const { page } = await newPage(browser);
    await page.goto(`http://127.0.0.1:${proxy.port}/`);
    await sendFromPage(page, "hello over a path that cuts idle links");
    await page.locator("#hf-app[data-status=connected]").waitFor();
    const start = proxy.idleCuts.websocket;
    await page.waitForTimeout(WINDOW_MS / 2);
    const firstHalf = proxy.idleCuts.websocket - start;
    await page.waitForTimeout(WINDOW_MS / 2);
    const drops = proxy.idleCuts.websocket - start;
    const visitors = [...srv.application.io.of("/visitor").sockets.values()];
    const health = visitors.length ? await srv.application.services.presence.health({ type: "visitor", id: visitors[0].data.id }) : null;
    await page.context().close();
    return { drops, secondHalf: drops - firstHalf, perMinute: Math.round((drops * 60_000) / WINDOW_MS), devices: health?.devices ?? [] };
  } finally {
    await proxy.close();
    await srv.stop();
  }
}

describe("keepalive that adapts to the path's idle cut (Chromium, through a fault proxy)", function () {
  this.timeout(180_000);
  let browser: Browser;
  before(async () => (browser = await launch()));
  after(async () => browser?.close());

  it("drops again and again without adaptation, stays up with it, and the server records the learned heartbeat", async () => {
    const fixed = await dropsIn(browser, 25_000);
    const adaptive = await dropsIn(browser, 1000);
    console.log(`      idle cut 2.5 s, ${WINDOW_MS / 1000} s window: fixed heartbeat ${fixed.drops} drops (${fixed.perMinute}/min), adaptive ${adaptive.drops} drops (${adaptive.perMinute}/min), ${adaptive.secondHalf} in its second half`);
    // Without adaptation each connection dies 2.5 s after its last packet; the reconnect
    // backoff grows over the failures, so the drops thin out but never stop.
    assert.ok(fixed.drops >= 3, `without adaptation the link should keep dropping (${fixed.drops})`);
    assert.ok(fixed.secondHalf >= 1, "and keep doing so");
    assert.equal(adaptive.secondHalf, 0, "with adaptation the link stays up once learned");
    assert.ok(adaptive.drops <= 3, `learned within a few drops (${adaptive.drops})`);
    assert.ok(fixed.devices.every((d) => d.keepaliveMs === undefined), "nothing learned without adaptation");
    const learned = adaptive.devices.map((d) => d.keepaliveMs);
    assert.equal(learned.length, 1);
    assert.ok(learned[0]! >= 1000 && learned[0]! < 2500, `learned ${learned[0]} ms, under the 2.5 s cut`);
  });

});

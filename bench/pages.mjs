// The widget's time to a usable composer across a slow, far link, in Chromium (Debian's,
// through playwright-core) with CDP Network.emulateNetworkConditions: 300 ms RTT,
// 1.5 Mbps down, 750 kbps up. A shop page on another origin embeds widget.js; measured
// from the shop's navigation start until, inside the widget's iframe, the composer is
// there and enabled (usable: what is written goes to the durable outbox and is sent once
// connected), on a first visit (fresh profile; a first visitor's socket opens with the
// first message, by design) and a repeat visit (the same profile again: warm cache, the
// visitor's token); for the repeat visit also until the socket is connected (`ready`
// received), apart. Until 2026-12-02 evening the repeat figure waited for the socket.
// Also the bytes on the wire and, for the repeat visit, each request's fate (cache, 304,
// 200) and time. With `--before DIR` (a build of an older commit: `git archive <rev> |
// tar -x -C DIR`, node_modules linked, `npm run build`) that build is measured too, in
// the same run. Then the WebSocket deflate figures (bench/sync-deflate.mjs). Writes the
// "pages" section of BENCHMARKS.md.
//   npm run bench:pages [-- --runs 3 --before DIR]
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { machine, root } from "./report.mjs";
import { holdfastEnv, startServer } from "./servers.mjs";
import { measureSyncDeflate } from "./sync-deflate.mjs";
import { writePagesSection } from "./pages-report.mjs";

const argv = process.argv.slice(2);
const opts = { runs: 3, before: null };
for (let i = 0; i < argv.length; i++) {
  const name = argv[i].replace(/^--/, "");
  if (name === "before") opts.before = path.resolve(argv[++i]);
  else if (name === "runs" && Number(argv[i + 1]) > 0) opts.runs = Number(argv[++i]);
  else throw new Error(`unknown argument ${argv[i]}`);
}
const command = `npm run bench:pages${argv.length ? ` -- ${argv.join(" ")}` : ""}`;
export const NETWORK = { offline: false, latency: 300, downloadThroughput: (1.5e6) / 8, uploadThroughput: 750e3 / 8 };

/** The shop: one page with the widget's tag, on its own origin. */
async function shop() {
  let chat = "";
  const server = http.createServer((_req, res) => {
    res.setHeader("Content-Type", "text/html; charset=utf-8");
    res.end(`<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>
<script src="${chat}/widget.js" async></script></body></html>`);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}`, serve: (u) => (chat = u), close: () => new Promise((r) => server.close(r)) };
}

/** One visit of `page` to the shop: ms to the condition, bytes received, each request. */
async function visit(page, cdp, url, repeat) {
  const requests = new Map();
  const onSent = (e) => requests.set(e.requestId, { url: e.request.url, start: e.timestamp });
  const onResponse = (e) => Object.assign(requests.get(e.requestId) ?? {}, { status: e.response.status, cached: e.response.fromDiskCache || e.response.fromMemoryCache || false });
  const onCache = (e) => Object.assign(requests.get(e.requestId) ?? {}, { cached: true });
  const onDone = (e) => Object.assign(requests.get(e.requestId) ?? {}, { bytes: e.encodedDataLength, end: e.timestamp });
  // The socket: its WebSocket handshake, then the frame that carries `ready`.
  const onWsCreated = (e) => requests.set(e.requestId, { url: `${new URL(e.url).pathname} (WebSocket)` });
  const onWs = (e) => Object.assign(requests.get(e.requestId) ?? {}, { start: e.timestamp });
  const onWsUp = (e) => Object.assign(requests.get(e.requestId) ?? {}, { status: e.response.status, end: e.timestamp });
  const onWsFrame = (e) => {
    const ws = requests.get(e.requestId);
    if (ws && !ws.ready && /"ready"/.test(e.response.payloadData)) requests.set(`${e.requestId}-ready`, { url: "  `ready` received (after the handshake)", start: ws.end, end: e.timestamp, status: "-" }), (ws.ready = true);
  };
  const ws = [["Network.webSocketCreated", onWsCreated], ["Network.webSocketWillSendHandshakeRequest", onWs], ["Network.webSocketHandshakeResponseReceived", onWsUp], ["Network.webSocketFrameReceived", onWsFrame]];
  for (const [event, fn] of ws) cdp.on(event, fn);
  cdp.on("Network.requestWillBeSent", onSent);
  cdp.on("Network.responseReceived", onResponse);
  cdp.on("Network.requestServedFromCache", onCache);
  cdp.on("Network.loadingFinished", onDone);
  try {
    await page.goto(url, { waitUntil: "commit" });
    const frame = await (await page.waitForSelector("#holdfast-widget >> iframe", { state: "attached", timeout: 60_000 })).contentFrame();
    // Usable: the composer is there and enabled. A message written then is kept in the
    // durable outbox (localStorage) and goes as soon as the socket is up, so the socket
    // is not waited for; its `connected` is timed apart (repeat visits: a first visitor
    // has no socket before the first message). The times are the frame's own marks
    // (marks(), below): polling would add the hidden frame's throttled animation frames.
    const when = (name) => frame.waitForFunction((name) => window.__hfMarks?.[name] ?? false, name, { timeout: 60_000, polling: 20 });
    const at = await when("usable");
    const up = repeat ? await when("connected") : null;
    const start = await page.evaluate(() => performance.timeOrigin);
    const ms = (await at.jsonValue()) - start;
    const connectedMs = up ? (await up.jsonValue()) - start : null;
    await new Promise((r) => setTimeout(r, 300)); // late loadingFinished events
    const list = [...requests.values()].filter((r) => r.url);
    const bytes = list.reduce((n, r) => n + (r.bytes ?? 0), 0);
    return { ms, connectedMs, bytes, requests: list };
  } finally {
    cdp.off("Network.requestWillBeSent", onSent);
    cdp.off("Network.responseReceived", onResponse);
    cdp.off("Network.requestServedFromCache", onCache);
    cdp.off("Network.loadingFinished", onDone);
    for (const [event, fn] of ws) cdp.off(event, fn);
  }
}

/** In the widget's frame, from its first moment: when the composer became usable and
 *  the socket connected, noted by a MutationObserver (a microtask after the change). */
function marks() {
  if (!/[?&]embed=1/.test(location.search)) return;
  const at = (window.__hfMarks = {});
  const note = () => {
    const now = performance.timeOrigin + performance.now();
    const ta = document.querySelector(".hf-textarea");
    if (ta && !ta.disabled) at.usable ??= now;
    if (at.usable && document.getElementById("hf-app")?.dataset.status === "connected") at.connected ??= now;
  };
  new MutationObserver(note).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status", "disabled"] });
}

async function measure(label, cwd, browser) {
  const host = await shop();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "holdfast-bench-pages-"));
  const srv = await startServer("dist/index.js", { cwd, env: holdfastEnv({ DATA_DIR: dataDir, ALLOWED_ORIGINS: host.url }), readyPath: "/readyz", readyMs: 120_000 });
  host.serve(srv.url);
  const first = [];
  const repeat = [];
  let breakdown = null;
  let breakdownFirst = null;
  try {
    for (let i = 0; i < opts.runs; i++) {
      const context = await browser.newContext();
      await context.addInitScript(marks);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", NETWORK);
      first.push(await visit(page, cdp, host.url, false));
      breakdownFirst ??= first[0].requests;
      // The first visitor writes once: from then on the device has a token and a
      // conversation, and its next visit connects at once (a returning visitor).
      await page.locator("#holdfast-widget .launcher").click();
      const frame = page.frames().find((f) => f.url().startsWith(`${srv.url}/?embed=1`));
      await frame.locator(".hf-textarea").fill("Hello");
      await frame.locator(".hf-textarea").press("Enter");
      await frame.waitForFunction(() => document.getElementById("hf-app")?.dataset.status === "connected", null, { timeout: 60_000 });
      await page.goto("about:blank");
      const r = await visit(page, cdp, host.url, true);
      repeat.push(r);
      breakdown ??= r.requests;
      await context.close();
      console.error(`bench: ${label} run ${i + 1}: first ${first.at(-1).ms.toFixed(0)} ms, repeat ${r.ms.toFixed(0)} ms (connected ${r.connectedMs.toFixed(0)} ms)`);
    }
  } finally {
    await srv.stop();
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    label,
    first: { ms: median(first.map((v) => v.ms)), bytes: median(first.map((v) => v.bytes)) },
    repeat: { ms: median(repeat.map((v) => v.ms)), connectedMs: median(repeat.map((v) => v.connectedMs)), bytes: median(repeat.map((v) => v.bytes)) },
    breakdown: breakdown.map((r) => ({ ...r, url: r.url.replace(srv.url, "").replace(host.url, "shop") })),
    breakdownFirst: breakdownFirst.map((r) => ({ ...r, url: r.url.replace(srv.url, "").replace(host.url, "shop") })),
  };
}

const before = machine();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  // The widget's iframe (another origin) in the shop's process: the page's CDP session
  // then throttles the iframe's requests too (an out-of-process frame would escape it).
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-site-isolation-trials", "--disable-features=IsolateOrigins,site-per-process"],
});
const results = [];
try {
  if (opts.before) results.push(await measure(`before (${path.basename(opts.before)})`, opts.before, browser));
  results.push(await measure("this build", root, browser));
} finally {
  await browser.close();
}
const deflate = await measureSyncDeflate();
const file = writePagesSection({ command, machine: before, loadAfter: os.loadavg(), network: NETWORK, runs: opts.runs, results, deflate });
console.error(`bench: wrote ${file}`);

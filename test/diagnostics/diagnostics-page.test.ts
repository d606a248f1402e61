// /diagnostics in Chromium, through the test fault proxy standing for the visitor's
// network: a good link, a proxy that refuses WebSocket upgrades, added latency with
// jitter, and a path that closes idle connections. Each finding appears as it should; the
// report is stored under an id an agent can read and a visitor cannot; a test opened
// from the visitor's chat (the `ready` ticket) shows in that visitor's panel data.
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { launch, newPage, shot } from "../browser/browser.js";
import { loginPage } from "../console/helpers.js";
import { agentToken, api, call, connectVisitor, visitorSession } from "../helpers/clients.js";
import { startFaultProxy, type FaultProxy } from "../helpers/fault-proxy.js";
import { ADMIN, serverPerSuite, startServer } from "../helpers/server.js";

interface Found { codes: string[]; texts: string[]; id: string }

async function runTest(page: Page, base: string, query = ""): Promise<Found> {
  await page.goto(`${base}/diagnostics?seconds=3&auto=1${query}`);
  await page.locator(".diag-id, #diag-result .notice").first().waitFor({ timeout: 60_000 });
  const codes = await page.locator(".diag-finding").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.code ?? ""));
  const texts = await page.locator(".diag-finding").allInnerTexts();
  const id = (await page.locator(".diag-id").getAttribute("data-id")) ?? "";
  return { codes, texts, id };
}

describe("the connection test page (Chromium, through a fault proxy)", function () {
  this.timeout(120_000);
  const srv = serverPerSuite(() => startServer({ env: { DIAGNOSTICS_IDLE_PROBES_SEC: "1,4" } }));
  let browser: Browser;
  let proxy: FaultProxy;
  let base: string;
  let admin: string;
  before(async () => {
    browser = await launch();
    proxy = await startFaultProxy({ port: srv.port });
    base = `http://127.0.0.1:${proxy.port}`;
    admin = (await agentToken(srv.url)).token;
  });
  after(async () => {
    await browser?.close();
    await proxy?.close();
  });
  afterEach(async () => {
    proxy.latency(0);
    proxy.idleCut(0);
    proxy.blockUpgrades(false);
  });

  it("on a good link: finds it fine and stores the result for an agent, not for a visitor", async () => {
    const { page, errors } = await newPage(browser);
    const found = await runTest(page, base);
    assert.deepEqual(found.codes, ["healthy", "idle_ok"]);
    assert.match(found.id, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    assert.equal(await page.locator("[data-step=websocket]").getAttribute("data-state"), "ok");
    assert.equal(await page.locator("[data-step=upgrade]").getAttribute("data-state"), "ok");
    assert.match(await page.locator("[data-step=speed]").innerText(), /down \d+ kbit\/s, up \d+ kbit\/s/, "both directions measured");
    await shot(page, "diagnostics-good");

    const asAgent = await api<{ report: { id: string; transport: string; findings: { code: string }[]; results: { rtt: { samples: number[] } } } }>(
      srv.url, "GET", `/api/diagnostics/${found.id.toLowerCase()}`, undefined, admin);
    assert.equal(asAgent.status, 200);
    assert.equal(asAgent.body.report.transport, "websocket");
    assert.ok(asAgent.body.report.results.rtt.samples.length >= 5);
    const visitor = await visitorSession(srv.url);
    for (const token of [visitor.token, undefined]) {
      const r = await api<{ error: { code: string } }>(srv.url, "GET", `/api/diagnostics/${found.id}`, undefined, token);
      assert.equal(r.status, 401, "a visitor (or nobody) reads no report");
      assert.equal(r.body.error.code, "AUTH_INVALID");
    }
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it("behind a proxy that refuses WebSocket upgrades: says chat falls back to long-polling", async () => {
    proxy.blockUpgrades();
    const { page } = await newPage(browser);
    const found = await runTest(page, base);
    assert.ok(found.codes.includes("ws_blocked"), found.codes.join());
    assert.ok(!found.codes.includes("idle_cut"), "no idle probe can run without WebSocket: none is reported cut");
    assert.match(found.texts.join("\n"), /WebSockets are blocked on your network/);
    assert.equal(await page.locator("[data-step=polling]").getAttribute("data-state"), "ok");
    await shot(page, "diagnostics-ws-blocked");
    await page.context().close();
  });

  it("with added latency and jitter: says messages will lag and arrive unevenly", async () => {
    proxy.latency(200, 700);
    const { page } = await newPage(browser);
    const found = await runTest(page, base);
    assert.ok(found.codes.some((c) => c === "rtt_fair" || c === "rtt_high"), found.codes.join());
    assert.ok(found.codes.includes("jitter_high"), found.codes.join());
    await shot(page, "diagnostics-latency");
    await page.context().close();
  });

  it("on a path that closes idle connections: finds the cut, and says the chat cannot keep up with one this short", async () => {
    proxy.idleCut(2500);
    const { page } = await newPage(browser, { locale: "zh-CN" });
    const found = await runTest(page, base);
    // 2.5 s is under the heartbeat's floor (5 s by default): the page says drops will happen.
    assert.ok(found.codes.includes("idle_cut_short"), found.codes.join());
    assert.match(found.texts.join("\n"), /空闲约 4 秒后将其断开，比聊天最短的心跳间隔（5 秒）还短/, "in the visitor's language");
    const r = await api<{ report: { idleCutSec: number } }>(srv.url, "GET", `/api/diagnostics/${found.id}`, undefined, admin);
    assert.equal(r.body.report.idleCutSec, 4);
    await shot(page, "diagnostics-idle-cut-zh");
    await page.context().close();
  });

  it("opened from the visitor's chat: the report shows in that visitor's panel", async () => {
    const visitor = await visitorSession(srv.url);
    const v = await connectVisitor(srv.url, visitor.token);
    const ticket = v.ready.diagnosticsTicket!;
    assert.ok(ticket, "ready carries a ticket");
    v.close();
    const { page } = await newPage(browser);
    const found = await runTest(page, base, `&t=${encodeURIComponent(ticket)}`);
    assert.match(await page.locator(".diag-id").innerText(), /The support team you are chatting with can see the result/);
    const panel = await api<{ diagnostics: { id: string }[] }>(srv.url, "GET", `/api/visitors/${visitor.visitorId}`, undefined, admin);
    assert.deepEqual(panel.body.diagnostics.map((d) => d.id), [found.id]);
    await page.context().close();

    // The admin sees it in the console's visitor panel (a link to the report) and on the health page.
    const chat = await connectVisitor(srv.url, visitor.token);
    const sent = await call(chat.socket, "message:send", { clientMsgId: "diag-1", type: "text", body: "My chat keeps dropping" });
    assert.ok(sent.ok);
    const agentPage = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await loginPage(agentPage, srv.url, ADMIN.email, ADMIN.password, `/agent?c=${sent.message.conversationId}`);
    const link = agentPage.locator(`#h-tests a[data-id="${found.id}"]`);
    await link.waitFor({ timeout: 15_000 });
    await agentPage.locator("#h-words").waitFor();
    await shot(agentPage, "diagnostics-panel");
    await agentPage.goto(`${srv.url}/agent/diagnostics/${found.id}`);
    assert.match(await agentPage.locator("main").innerText(), /Your connection looks fine for chat/);
    await agentPage.goto(`${srv.url}/admin/health`);
    assert.match(await agentPage.locator("#connection-tests").innerText(), new RegExp(found.id));
    await agentPage.close();
    chat.close();
  });

  it("refuses bad input to the report endpoint and stores nothing", async () => {
    const count = async () => (await srv.application.services.db.query<{ n: number }>("SELECT count(*)::int AS n FROM diagnostic_report"))[0].n;
    const before = await count();
    const good = { websocket: { ok: true }, polling: { ok: true }, upgrade: { ok: true }, rtt: { samples: [1], lost: 0 }, throughput: { downKbps: 1, upKbps: 1 }, clockOffsetMs: 0, idle: [] };
    for (const body of [
      {}, { results: {} }, { results: { ...good, rtt: { samples: Array(601).fill(1), lost: 0 } } }, { results: { ...good, extra: 1 } },
      { results: { ...good, idle: [{ afterSec: 99_999, survived: true }] } }, "not json",
    ]) {
      const r = await api<{ error: { code: string } }>(srv.url, "POST", "/api/diagnostics", body);
      assert.equal(r.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(r.body.error.code, "VALIDATION");
    }
    const badId = await api<{ error: { code: string } }>(srv.url, "GET", "/api/diagnostics/nope", undefined, admin);
    assert.equal(badId.body.error.code, "VALIDATION");
    const missing = await api(srv.url, "GET", "/api/diagnostics/2222-2222", undefined, admin);
    assert.equal(missing.status, 404);
    assert.equal(await count(), before);
  });
});

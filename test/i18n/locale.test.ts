// The agent's language over HTTP: the login page follows Accept-Language, a stored
// choice (POST /account/locale) wins over it on every console and admin page, a bad
// locale is refused (VALIDATION) without a change, and the widget's Chinese wording is
// stored from the admin form and reaches the visitor's settings.
import assert from "node:assert/strict";
import request from "supertest";
import { ADMIN } from "../helpers/server.js";
import { call, connectVisitor, expectOk, visitorSession } from "../helpers/clients.js";
import { adminSuite } from "../admin/helpers.js";
import { csrfOf } from "../console/helpers.js";

const ZH = { "accept-language": "zh-CN,zh;q=0.9" };
const ADMIN_PAGES = ["agents", "canned", "filter", "widget", "hours", "conversations", "reports", "health", "email", "labels", "api-keys", "webhooks"];
// Per page, English headings that must be gone in Chinese (and the Chinese that replaces them).
const ZH_PAGES: Record<string, { en: string[]; zh: string[] }> = {
  canned: { en: ["Add a canned response", "Shortcut"], zh: ["添加快捷回复", "快捷码"] },
  filter: { en: ["When a message contains a listed word", "Mask"], zh: ["遮盖", "拦截"] },
  hours: { en: ["Use business hours", "Holidays"], zh: ["启用工作时间", "节假日"] },
  conversations: { en: ["Any status", "Last activity"], zh: ["全部状态", "最后活动"] },
  reports: { en: ["Conversations per day", "Per agent", "Export CSV"], zh: ["每日会话量", "按客服", "导出 CSV"] },
  health: { en: ["Unstable visitors", "Connection tests", "Presence of connected visitors"], zh: ["连接不稳定的访客", "连接测试"] },
  email: { en: ["Agent notifications", "Latest deliveries"], zh: ["客服通知", "最近的发送记录"] },
  labels: { en: ["Add a label", "<h1>Labels</h1>"], zh: ["添加标签", "<h1>标签</h1>"] },
  "api-keys": { en: ["Create an API key", "<h1>API keys</h1>"], zh: ["创建 API 密钥"] },
  webhooks: { en: ["Add a webhook", "Deliveries", "Attempts"], zh: ["添加 Webhook", "发送记录"] },
};

describe("i18n: the agent's language", function () {
  const s = adminSuite();
  const stored = async () => (await s.deps().repos.accounts.agentByEmail(ADMIN.email))!.locale ?? null;

  it("the login page follows Accept-Language; English by default", async () => {
    const en = await request(s.srv.url).get("/login");
    assert.match(en.text, /<html lang="en">/);
    assert.match(en.text, /Agent console and administration/);
    const zh = await request(s.srv.url).get("/login").set(ZH);
    assert.match(zh.text, /<html lang="zh-CN">/);
    assert.match(zh.text, /客服工作台与管理后台/);
    assert.match(zh.text, />登录</);
  });

  it("with no choice stored, the agent's Accept-Language picks the pages' language", async () => {
    assert.equal(await stored(), null);
    assert.match((await s.admin.get("/agent")).text, /Pick a conversation/);
    const zh = await s.admin.get("/agent").set(ZH);
    assert.match(zh.text, /请选择一个会话/);
    assert.match(zh.text, /<html lang="zh-CN">/);
  });

  it("a bad locale is refused (VALIDATION) and changes nothing; no CSRF token, no change", async () => {
    for (const locale of ["klingon", "zh", "", 7]) {
      const res = await s.admin.post("/account/locale").set("x-csrf-token", s.csrf).send({ locale });
      assert.equal(res.status, 400, JSON.stringify(locale));
      assert.equal(res.body.error.code, "VALIDATION");
    }
    const extra = await s.admin.post("/account/locale").set("x-csrf-token", s.csrf).send({ locale: "zh-CN", theme: "dark" });
    assert.equal(extra.body.error.code, "VALIDATION");
    const forged = await s.admin.post("/account/locale").type("form").send({ locale: "zh-CN" });
    assert.equal(forged.status, 403);
    assert.equal(await stored(), null);
    assert.equal((await request(s.srv.url).post("/account/locale").send({ locale: "zh-CN" })).status, 403, "no session, no CSRF token");
  });

  it("the switch stores zh-CN; console and every admin page render in Chinese, whatever the browser says", async () => {
    const res = await s.post("/account/locale", { locale: "zh-CN", next: "/admin/widget" });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, "/admin/widget");
    assert.equal(await stored(), "zh-CN");
    const page = (await s.admin.get("/agent").set("accept-language", "en-US")).text;
    assert.match(page, /<html lang="zh-CN">/);
    for (const zh of ["等待中", "我的", "请选择一个会话", "发送", "退出登录"]) assert.ok(page.includes(zh), zh);
    // The console bundle's dictionary, in the page as escaped JSON.
    const blob = /data-i18n="([^"]*)"/.exec(page)![1].replaceAll("&#34;", '"');
    assert.equal(JSON.parse(blob)["js.status.resolved"], "已解决");
    assert.match(page, /data-locale="en"[^>]*>English</, "the switch offers the other language");

    const v = await visitorSession(s.srv.url, "Transcript Tess");
    const visitor = await connectVisitor(s.srv.url, v.token);
    const sent = expectOk(await call(visitor.socket, "message:send", { clientMsgId: "l1", type: "text", body: "你好" }));
    visitor.close();
    for (const p of [...ADMIN_PAGES, `conversations/${sent.message.conversationId}`]) {
      const r = await s.admin.get(`/admin/${p}`);
      assert.equal(r.status, 200, p);
      assert.match(r.text, /<html lang="zh-CN">/, p);
      assert.ok(r.text.includes("管理后台") && r.text.includes("打开工作台"), p);
      for (const en of ZH_PAGES[p]?.en ?? []) assert.ok(!r.text.includes(en), `${p}: "${en}" is still English`);
      for (const zh of ZH_PAGES[p]?.zh ?? []) assert.ok(r.text.includes(zh), `${p}: "${zh}" missing`);
    }
    const tr = (await s.admin.get(`/admin/conversations/${sent.message.conversationId}`)).text;
    assert.ok(tr.includes("导出 JSON") && !tr.includes("Export text"), "transcript");
    // A form's one-shot notice too.
    assert.equal((await s.post("/admin/labels", { name: "加急", colour: "#dc2626" })).status, 303);
    assert.ok((await s.admin.get("/admin/labels")).text.includes("已添加标签“加急”。"), "the notice in Chinese");
    // A connection test's reading, and the health page listing it.
    const results = { websocket: { ok: true, ms: 40 }, polling: { ok: true, ms: 90 }, upgrade: { ok: true }, rtt: { samples: [40, 60], lost: 0 }, throughput: { downKbps: 900, upKbps: 300 }, clockOffsetMs: 3, idle: [{ afterSec: 30, survived: true }] };
    const made = await request(s.srv.url).post("/api/diagnostics").send({ results });
    assert.equal(made.status, 201);
    const diag = await s.admin.get(`/agent/diagnostics/${made.body.id}`);
    assert.equal(diag.status, 200);
    for (const zh of ["连接测试", "往返时间", "吞吐量", "30 秒仍保持连接", "返回工作台"]) assert.ok(diag.text.includes(zh), zh);
    for (const en of ["Round trips", "stayed open", "Back to the console"]) assert.ok(!diag.text.includes(en), en);
    assert.ok((await s.admin.get("/admin/health")).text.includes("可用的传输方式"), "the health page's test groups");
    assert.match((await s.admin.get("/admin/agents")).text, /<h1>客服<\/h1>/);

    // JSON callers get the stored value; back to English.
    const back = await s.admin.post("/account/locale").set("x-csrf-token", s.csrf).send({ locale: "en" });
    assert.deepEqual(back.body, { locale: "en" });
    assert.match((await s.admin.get("/agent").set(ZH)).text, /Pick a conversation/);
    const diagEn = (await s.admin.get(`/agent/diagnostics/${made.body.id}`)).text;
    for (const en of ["<th>Round trips</th><td>median 40 ms, p90 40 ms, max 60 ms", "works (40 ms)", "30 s stayed open", "Back to the console"]) assert.ok(diagEn.includes(en), en);
  });

  it("the widget's Chinese title, greeting and offline message: stored, validated, sent to visitors", async () => {
    const widget = () => s.deps().repos.settings.get("widget");
    const ok = { title: "Acme", color: "#0f766e", greeting: "Hi!", offlineMessage: "Back at 9.", position: "right", allowedOrigins: "" };
    await s.refused("/admin/widget", { ...ok, "zh-CN.title": "长".repeat(61) }, 400, /title/, widget);
    await s.refused("/admin/widget", { ...ok, "zh-CN.greeting": "长".repeat(301) }, 400, /greeting/, widget);
    await s.refused("/admin/widget", { ...ok, "fr.title": "Bonjour" }, 400, /fr\.title|unrecognized/i, widget);
    const zh = { "zh-CN.title": "在线客服", "zh-CN.greeting": "您好！有什么可以帮您？", "zh-CN.offlineMessage": "我们九点回来。" };
    assert.equal((await s.post("/admin/widget", { ...ok, ...zh })).status, 303);
    const w = await s.deps().settings.getWidget();
    assert.deepEqual(w.translations, { "zh-CN": { title: "在线客服", greeting: "您好！有什么可以帮您？", offlineMessage: "我们九点回来。" } });
    const api = await (await fetch(`${s.srv.url}/api/widget/settings`)).json();
    assert.equal(api.title, "Acme");
    assert.equal(api.translations["zh-CN"].greeting, "您好！有什么可以帮您？");
    const form = await s.admin.get("/admin/widget");
    assert.match(form.text, /name="zh-CN.title" value="在线客服"/);
    assert.ok(csrfOf(form.text));
  });
});

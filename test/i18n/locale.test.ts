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
const ADMIN_PAGES = ["agents", "canned", "filter", "widget", "hours", "conversations", "reports", "health", "email"];

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
    }
    assert.match((await s.admin.get("/admin/agents")).text, /<h1>客服<\/h1>/);

    // JSON callers get the stored value; back to English.
    const back = await s.admin.post("/account/locale").set("x-csrf-token", s.csrf).send({ locale: "en" });
    assert.deepEqual(back.body, { locale: "en" });
    assert.match((await s.admin.get("/agent").set(ZH)).text, /Pick a conversation/);
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

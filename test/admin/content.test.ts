// Canned responses, sensitive words, widget settings and conversation search over
// HTTP: every validation error refused without a change, and what is accepted applies
// (the word list filters messages, widget origins reach the socket checks, transcripts
// export as JSON and text).
import assert from "node:assert/strict";
import { call, connectVisitor, expectOk, visitorSession } from "../helpers/clients.js";
import { adminSuite } from "./helpers.js";

describe("admin forms: content and conversations", function () {
  const s = adminSuite();
  const { deps, post, refused } = s;

  it("canned responses: create, edit, delete, with validation and conflicts", async () => {
    const list = () => deps().repos.canned.list();
    for (const [bad, msg] of [
      [{ shortcut: "has space", body: "x" }, /shortcut: 1-32 letters/],
      [{ shortcut: "", body: "x" }, /shortcut/],
      [{ shortcut: "a".repeat(33), body: "x" }, /shortcut/],
      [{ shortcut: "ok", body: "   " }, /text is required/],
      [{ shortcut: "ok", body: "x".repeat(2001) }, /at most 2000/],
      [{ shortcut: "ok", body: "x", id: "1" }, /id/],
    ] as [object, RegExp][]) {
      await refused("/admin/canned", bad, 400, msg, list);
    }
    assert.equal((await post("/admin/canned", { shortcut: "/Hello", body: "Hello! How can I help?" })).status, 303);
    assert.equal((await post("/admin/canned", { shortcut: "bye", body: "Have a nice day." })).status, 303);
    const [bye, hello] = await list();
    assert.deepEqual([hello.shortcut, bye.shortcut], ["hello", "bye"]); // "/" dropped, lower-cased
    await refused("/admin/canned", { shortcut: "hello", body: "dup" }, 409, /exists/, list);
    await refused(`/admin/canned/${bye.id}`, { shortcut: "hello", body: "x" }, 409, /exists/, list);
    await refused(`/admin/canned/nope`, { shortcut: "zzz", body: "x" }, 404, /not found/, list);
    await refused(`/admin/canned/nope/delete`, {}, 404, /not found/, list);
    assert.equal((await post(`/admin/canned/${bye.id}`, { shortcut: "bye", body: "Bye for now." })).status, 303);
    assert.equal((await list()).find((c) => c.id === bye.id)!.body, "Bye for now.");
    assert.equal((await post(`/admin/canned/${bye.id}/delete`, {})).status, 303);
    assert.deepEqual((await list()).map((c) => c.shortcut), ["hello"]);
    const api = await s.admin.get("/api/canned");
    assert.deepEqual(api.body.canned.map((c: { shortcut: string }) => c.shortcut), ["hello"]);
  });

  it("sensitive words: policy and list validated, stored, applied to both sides", async () => {
    const stored = () => deps().settings.getContentFilter();
    await refused("/admin/filter", { words: "darn", policy: "drop" }, 400, /policy must be mask or block/, stored);
    await refused("/admin/filter", { words: "ok\n" + "x".repeat(101), policy: "mask" }, 400, /at most 100 characters/, stored);
    await refused("/admin/filter", { words: "darn" }, 400, /policy/, stored);
    assert.equal((await post("/admin/filter", { words: "darn\r\nheck\n\ndarn\n", policy: "mask" })).status, 303);
    assert.deepEqual(await stored(), { words: ["darn", "heck"], policy: "mask" });
    assert.deepEqual(deps().filter.settings(), { words: ["darn", "heck"], policy: "mask" });
    const v = await visitorSession(s.srv.url, "Potty Mouth");
    const visitor = await connectVisitor(s.srv.url, v.token);
    const masked = expectOk(await call(visitor.socket, "message:send", { clientMsgId: "f1", type: "text", body: "well DARN it" }));
    assert.equal(masked.message.body, "well **** it");
    assert.equal((await post("/admin/filter", { words: "darn", policy: "block" })).status, 303);
    const blocked = await call(visitor.socket, "message:send", { clientMsgId: "f2", type: "text", body: "darn" });
    assert.equal(blocked.ok, false);
    assert.equal(blocked.error.code, "CONTENT_BLOCKED");
    const page = await s.admin.get("/admin/filter");
    assert.match(page.text, /value="block" checked/);
    visitor.close();
  });

  it("widget: settings validated, stored, origins applied; the embed snippet shown", async () => {
    const stored = () => deps().repos.settings.get("widget");
    const ok = { title: "Acme help", color: "#0f766e", greeting: "Hi!", offlineMessage: "Back at 9.", position: "left", allowedOrigins: "https://www.acme.test\nhttps://shop.acme.test/" };
    for (const [bad, msg] of [
      [{ title: "" }, /title is required/],
      [{ color: "red" }, /colour must look like/],
      [{ color: "#12345" }, /colour/],
      [{ position: "top" }, /position/],
      [{ allowedOrigins: "javascript:alert(1)" }, /origins look like/],
      [{ allowedOrigins: "https://a.test/path" }, /origins look like/],
      [{ allowedOrigins: "https://a.test; script-src *" }, /origins look like/],
      [{ greeting: "x".repeat(301) }, /greeting/],
      [{ theme: "dark" }, /theme/],
    ] as [object, RegExp][]) {
      await refused("/admin/widget", { ...ok, ...bad }, 400, msg, stored);
    }
    assert.equal((await post("/admin/widget", ok)).status, 303);
    const w = await deps().settings.getWidget();
    assert.deepEqual(w, { ...ok, allowedOrigins: ["https://www.acme.test", "https://shop.acme.test"] });
    assert.ok(deps().origins.allowed("https://shop.acme.test"), "origins apply to the socket CORS check");
    const page = await s.admin.get("/admin/widget");
    assert.ok(page.text.includes(`&lt;script src="${s.srv.url}/widget.js" async&gt;&lt;/script&gt;`), "the embed snippet");
    assert.match(page.text, /value="Acme help"/);
  });

  it("conversations: search by name, email and text; transcript; JSON and text export", async () => {
    const v = await visitorSession(s.srv.url, "Searchable Sam");
    const visitor = await connectVisitor(s.srv.url, v.token);
    await call(visitor.socket, "message:send", { clientMsgId: "s1", type: "text", body: "my parcel 50%_off is missing" });
    const conv = (await deps().repos.conversations.activeForVisitor(v.visitorId))!;
    for (const q of ["searchable", "50%_off", "PARCEL"]) {
      const r = await s.admin.get(`/admin/conversations?q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 200);
      assert.match(r.text, new RegExp(`/admin/conversations/${conv.id}`), q);
    }
    const none = await s.admin.get(`/admin/conversations?q=${encodeURIComponent("50%x")}`);
    assert.doesNotMatch(none.text, new RegExp(conv.id), "% is a character, not a wildcard");
    assert.equal((await s.admin.get(`/admin/conversations?q=${"x".repeat(201)}`)).status, 400);
    assert.equal((await s.admin.get(`/admin/conversations?status=lost`)).status, 400);
    assert.equal((await s.admin.get(`/admin/conversations?status=resolved&q=searchable`)).text.includes(conv.id), false);

    const page = await s.admin.get(`/admin/conversations/${conv.id}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /my parcel 50%_off is missing/);
    const json = await s.admin.get(`/admin/conversations/${conv.id}/export.json`);
    assert.match(json.headers["content-type"], /application\/json/);
    assert.match(json.headers["content-disposition"], /attachment; filename="conversation-/);
    const doc = JSON.parse(json.text);
    assert.equal(doc.visitor.name, "Searchable Sam");
    assert.equal(doc.messages[0].body, "my parcel 50%_off is missing");
    assert.deepEqual(doc.messages.map((m: { seq: number }) => m.seq), doc.messages.map((_: unknown, i: number) => i + 1));
    const txt = await s.admin.get(`/admin/conversations/${conv.id}/export.txt`);
    assert.match(txt.headers["content-type"], /text\/plain/);
    assert.match(txt.text, /Visitor: Searchable Sam/);
    assert.match(txt.text, /#1 Searchable Sam \(visitor\): my parcel 50%_off is missing/);
    assert.equal((await s.admin.get(`/admin/conversations/nope`)).status, 404);
    visitor.close();
  });

});

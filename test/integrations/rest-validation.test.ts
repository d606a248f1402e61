// Bad input on every REST endpoint is answered 400 VALIDATION, in the contract's error
// shape, and changes nothing (table-driven over the endpoints); the OpenAPI document
// names every one of them, and its docs page renders from it without outside assets.
import assert from "node:assert/strict";
import { api, until } from "../helpers/clients.js";
import { testDatabases } from "../helpers/server.js";
import { newVisitor, say, transcript } from "../assignment/harness.js";
import { expectError, restSuite } from "./helpers.js";

const long = "x".repeat(70);

for (const db of testDatabases()) {
  describe(`REST validation [${db}]`, function () {
    this.timeout(60_000);
    const s = restSuite(db);

    const keys = () => s.srv.application.services.db.prisma.apiKey.findMany({ orderBy: { id: "asc" } });

    it("every endpoint answers malformed queries, paths and bodies VALIDATION and changes nothing", async () => {
      const { key, apiKey } = await s.newKey("Validator");
      const vis = await newVisitor(s.srv, "Val Visitor");
      const cid = (await say(vis)).conversationId;
      await until(() => vis.received.some((m) => m.sender.type === "system"), 5000, "the no-agent line");
      // Its first use recorded, so that the snapshot below stays still (written once a minute).
      assert.equal((await api(s.srv.url, "GET", "/api/conversations", undefined, key)).status, 200);
      await until(async () => !!(await keys()).find((k) => k.id === apiKey.id)?.lastUsedAt, 3000, "last used");
      const c = `/api/conversations/${cid}`;
      const cases: [string, string, unknown, string?][] = [
        ["GET", "/api/conversations?status=closed", undefined],
        ["GET", "/api/conversations?limit=0", undefined],
        ["GET", "/api/conversations?limit=101", undefined],
        ["GET", "/api/conversations?limit=two", undefined],
        ["GET", "/api/conversations?after=%7B%7D", undefined],
        ["GET", "/api/conversations?junk=1", undefined],
        ["GET", "/api/conversations?status=open&status=waiting", undefined],
        ["GET", `${c}/messages?afterSeq=-1`, undefined],
        ["GET", `${c}/messages?afterSeq=1.5`, undefined],
        ["GET", `${c}/messages?limit=501`, undefined],
        ["GET", `${c}/messages?since=3`, undefined],
        ["GET", `/api/conversations/${long}/messages`, undefined],
        ["POST", `${c}/messages`, {}],
        ["POST", `${c}/messages`, { clientMsgId: "", type: "text", body: "hi" }],
        ["POST", `${c}/messages`, { clientMsgId: long, type: "text", body: "hi" }],
        ["POST", `${c}/messages`, { clientMsgId: "v1", type: "text", body: "   " }],
        ["POST", `${c}/messages`, { clientMsgId: "v2", type: "video", body: "hi" }],
        ["POST", `${c}/messages`, { clientMsgId: "v3", type: "image", body: "" }],
        ["POST", `${c}/messages`, { clientMsgId: "v4", type: "text", body: "y".repeat(20_000) }],
        ["POST", `${c}/messages`, { clientMsgId: "v5", type: "text", body: "hi", conversationId: cid }],
        ["POST", `${c}/messages`, { clientMsgId: "v6", type: "text", body: 5 }],
        ["POST", `${c}/messages`, "not json"],
        ["POST", `${c}/messages`, [1, 2]],
        ["POST", `/api/conversations/${long}/messages`, { clientMsgId: "v7", type: "text", body: "hi" }],
        ["POST", `${c}/claim`, { junk: true }],
        ["POST", `${c}/transfer`, {}],
        ["POST", `${c}/transfer`, { toAgentId: "" }],
        ["POST", `${c}/transfer`, { toAgentId: 7 }],
        ["POST", `${c}/resolve`, { now: 1 }],
        ["POST", `/api/conversations/${long}/resolve`, {}],
        ["GET", `/api/conversations?label=${long}`, undefined],
        ["GET", "/api/conversations/labels?all=1", undefined],
        ["PUT", `${c}/labels`, {}],
        ["PUT", `${c}/labels`, { labelIds: "billing" }],
        ["PUT", `${c}/labels`, { labelIds: [""] }],
        ["PUT", `${c}/labels`, { labelIds: ["no-such-label"] }],
        ["PUT", `${c}/labels`, { labelIds: [], extra: 1 }],
        ["POST", "/api/api-keys", {}, "admin"],
        ["POST", "/api/api-keys", { name: "" }, "admin"],
        ["POST", "/api/api-keys", { name: "n".repeat(81) }, "admin"],
        ["POST", "/api/api-keys", { name: "ok", role: "admin" }, "admin"],
        ["DELETE", `/api/api-keys/${long}`, undefined, "admin"],
      ];
      const before = JSON.stringify([await transcript(s.srv, cid), await keys()]);
      for (const [method, path, body, who] of cases) await expectError(s.srv, method, path, who === "admin" ? s.admin() : key, body, 400, "VALIDATION");
      const after = JSON.stringify([await transcript(s.srv, cid), await keys()]);
      assert.equal(after, before, "bad input changed something");
      vis.close();
    });

    it("the OpenAPI 3.1 document names every endpoint, and the docs page renders it with no outside asset", async () => {
      const doc = await api<{ openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; parameters: { name: string }[] }>> }>(s.srv.url, "GET", "/api/openapi.json");
      assert.equal(doc.status, 200);
      assert.equal(doc.body.openapi, "3.1.0");
      const ops = Object.entries(doc.body.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
      assert.deepEqual(ops.sort(), [
        "DELETE /api/api-keys/{id}", "GET /api/api-keys", "GET /api/conversations", "GET /api/conversations/labels",
        "GET /api/conversations/{id}/messages", "POST /api/api-keys", "POST /api/conversations/{id}/claim",
        "POST /api/conversations/{id}/messages", "POST /api/conversations/{id}/resolve", "POST /api/conversations/{id}/transfer",
        "PUT /api/conversations/{id}/labels",
      ]);
      const post = doc.body.paths["/api/conversations/{id}/messages"].post.requestBody as { content: { "application/json": { schema: { required: string[]; additionalProperties: boolean; properties: Record<string, unknown> } } } };
      const schema = post.content["application/json"].schema;
      assert.deepEqual(schema.required.sort(), ["body", "clientMsgId", "type"]);
      assert.equal(schema.additionalProperties, false);
      assert.deepEqual(doc.body.paths["/api/conversations"].get.parameters.map((p) => p.name), ["status", "after", "limit", "label"]);
      const page = await fetch(`${s.srv.url}/api/docs`);
      assert.equal(page.status, 200);
      const html = await page.text();
      for (const op of ops) assert.ok(html.includes(op.split(" ")[1]), op);
      assert.ok(!/(src|href)="(https?:)?\/\//.test(html), "no asset from elsewhere");
    });
  });
}

// The console search (issue 13): by visitor name, e-mail and message words, Chinese
// included, over what the agent may read (theirs, the queue, resolved ones they took part
// in; admins everything), through GET /api/console/search. Data is written straight into
// the database: the search reads what is stored, however it got there.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { agentToken, api, createAgent } from "../helpers/clients.js";
import { serverPerSuite, startServer, testDatabases } from "../helpers/server.js";
import type { SearchHit } from "../../src/search/search.service.js";

interface Answer { results: SearchHit[]; messagesSearched: boolean }

for (const db of testDatabases()) {
  describe(`console search [${db}]`, function () {
    this.timeout(30_000);
    const srv = serverPerSuite(() => startServer({ db }));
    const tag = Math.random().toString(36).slice(2, 8); // this run's words: a shared PostgreSQL keeps earlier runs'
    let admin: string;
    let abe: { token: string; agentId: string };
    let bea: { token: string; agentId: string };
    const cids: Record<string, string> = {};

    const sql = (text: string, params: unknown[]) => srv.application.services.db.query(text, params);
    async function conversation(name: string, opts: { visitor: string; email?: string; agent?: string | null; status: string; lines: [string, string | null, string][] }) {
      const vid = randomUUID();
      const cid = randomUUID();
      await sql(`INSERT INTO visitor (id, name, email) VALUES ($1, $2, $3)`, [vid, opts.visitor, opts.email ?? null]);
      await sql(`INSERT INTO conversation (id, visitor_id, agent_id, status, last_seq) VALUES ($1, $2, $3, $4, $5)`,
        [cid, vid, opts.agent ?? null, opts.status, opts.lines.length]);
      let seq = 0;
      for (const [type, id, body] of opts.lines) {
        seq++;
        await sql(`INSERT INTO message (id, conversation_id, seq, sender_type, sender_id, sender_name, client_msg_id, type, body)
          VALUES ($1, $2, $3, $4, $5, 'x', $6, 'text', $7)`, [randomUUID(), cid, seq, type, id ?? vid, randomUUID(), body]);
      }
      cids[name] = cid;
    }
    const search = (token: string, q: string) => api<Answer>(srv.url, "GET", `/api/console/search?q=${encodeURIComponent(q)}`, undefined, token);
    async function found(token: string, q: string): Promise<string[]> {
      const r = await search(token, q);
      assert.equal(r.status, 200, r.text);
      return Object.entries(cids).filter(([, id]) => r.body.results.some((h) => h.conversation.id === id)).map(([n]) => n).sort();
    }

    before(async () => {
      admin = (await agentToken(srv.url)).token;
      abe = await createAgent(srv.url, admin, "Abe Search");
      bea = await createAgent(srv.url, admin, "Bea Search");
      await conversation("abeOpen", { visitor: `Nora ${tag}`, email: `nora.${tag}@example.com`, agent: abe.agentId, status: "open",
        lines: [["visitor", null, `My parcel ${tag}parcel never arrived`], ["agent", abe.agentId, "Let me check the tracking"]] });
      await conversation("beaOpen", { visitor: `Otto ${tag}`, agent: bea.agentId, status: "open",
        lines: [["visitor", null, `Where is my ${tag}parcel and my refund`]] });
      await conversation("queue", { visitor: `Wendy ${tag}`, status: "waiting", lines: [["visitor", null, `${tag}parcel question, 我要退款`]] });
      // Resolved: Bea's, but Abe answered in it before a transfer; and one Abe never touched.
      await conversation("abeWrote", { visitor: `Pia ${tag}`, agent: bea.agentId, status: "resolved",
        lines: [["visitor", null, `${tag}parcel damaged`], ["agent", abe.agentId, "Sending you a new one"]] });
      await conversation("untouched", { visitor: `Rex ${tag}`, agent: bea.agentId, status: "resolved", lines: [["visitor", null, `${tag}parcel lost`]] });
      await conversation("chinese", { visitor: `王伟${tag}`, email: `wang.${tag}@example.cn`, agent: abe.agentId, status: "resolved",
        lines: [["visitor", null, `您好，我的订单${tag}还没有发货，请问什么时候到？`], ["agent", abe.agentId, "我们明天发货"]] });
    });

    it("shows an agent theirs, the queue and the resolved ones they took part in; an admin everything", async () => {
      assert.deepEqual(await found(abe.token, `${tag}parcel`), ["abeOpen", "abeWrote", "queue"]);
      assert.deepEqual(await found(bea.token, `${tag}parcel`), ["abeWrote", "beaOpen", "queue", "untouched"]);
      assert.deepEqual(await found(admin, `${tag}parcel`), ["abeOpen", "abeWrote", "beaOpen", "queue", "untouched"]);
    });

    it("finds words in any order, with the message's excerpt, seq and highlight", async () => {
      assert.deepEqual(await found(admin, `refund ${tag}parcel`), ["beaOpen"]);
      const r = await search(abe.token, `${tag}PARCEL never`);
      const hit = r.body.results.find((h) => h.conversation.id === cids.abeOpen)!;
      assert.equal(hit.match, "message");
      assert.equal(hit.message?.seq, 1);
      assert.equal(hit.message?.excerpt, `My parcel ${tag}parcel never arrived`);
      const [s, e] = hit.message!.highlights[0]!;
      assert.equal(hit.message!.excerpt.slice(s, e), `${tag}parcel`);
      assert.equal(hit.conversation.status, "open");
      assert.ok(!Number.isNaN(Date.parse(hit.message!.createdAt)));
    });

    it("finds visitors by name and e-mail", async () => {
      assert.deepEqual(await found(abe.token, `nora ${tag}`), ["abeOpen"]);
      assert.deepEqual(await found(abe.token, `nora.${tag}@example`), ["abeOpen"]);
      assert.deepEqual(await found(bea.token, `nora.${tag}@example`), [], "another agent's visitor");
      const r = await search(admin, `wang.${tag}@example.cn`);
      assert.equal(r.body.results[0]?.match, "visitor");
      assert.equal(r.body.results[0]?.message, null);
      assert.deepEqual(await found(admin, `王伟${tag}`), ["chinese"]);
      assert.deepEqual(await found(admin, "王伟"), ["chinese"], "a short word: the start of the name");
      assert.deepEqual(await found(admin, "伟"), [], "not inside it");
    });

    it("finds Chinese words of one, two and more characters", async () => {
      assert.deepEqual(await found(abe.token, "发货"), ["chinese"]);
      assert.deepEqual(await found(abe.token, `订单${tag}`), ["chinese"]);
      assert.deepEqual(await found(abe.token, "什么时候"), ["chinese"]);
      assert.ok((await found(admin, "退款")).includes("queue"));
      assert.ok((await found(abe.token, "您")).includes("chinese"));
      assert.deepEqual(await found(bea.token, "发货"), [], "Abe's resolved conversation, Bea never in it");
      assert.deepEqual(await found(abe.token, "明后"), [], "the characters, not in that order");
    });

    it("answers the newest matches of a word in more messages than the index pass reads", async () => {
      const vid = randomUUID();
      const cid = randomUUID();
      await sql("INSERT INTO visitor (id, name) VALUES ($1, 'Many Lines')", [vid]);
      await sql("INSERT INTO conversation (id, visitor_id, agent_id, status, last_seq) VALUES ($1, $2, $3, 'resolved', 1200)", [cid, vid, abe.agentId]);
      await sql(`INSERT INTO message (id, conversation_id, seq, sender_type, sender_id, sender_name, client_msg_id, type, body, created_at)
        SELECT $1 || g, $2, g, 'visitor', $3, 'x', $1 || g, 'text', 'line ' || g || ' of ${tag}often', now() - interval '1 day' + g * interval '1 second'
        FROM generate_series(1, 1200) g`, [randomUUID(), cid, vid]);
      const r = await search(abe.token, `${tag}often`);
      assert.equal(r.body.results.length, 30);
      assert.equal(r.body.results[0]?.message?.seq, 1200, "the newest first");
      assert.equal((await search(bea.token, `${tag}often`)).body.results.length, 0, "not Bea's");
    });

    it("refuses bad input with VALIDATION", async () => {
      for (const q of ["", "   ", "x".repeat(201)]) {
        const r = await search(abe.token, q);
        assert.equal(r.status, 400, q);
        assert.equal((r.body as unknown as { error: { code: string } }).error.code, "VALIDATION");
      }
      const extra = await api(srv.url, "GET", "/api/console/search?q=a&x=1", undefined, abe.token);
      assert.equal(extra.status, 400);
      const twice = await api(srv.url, "GET", "/api/console/search?q=a&q=b", undefined, abe.token);
      assert.equal(twice.status, 400);
      assert.equal((await api(srv.url, "GET", "/api/console/search?q=abc")).status, 401);
      // %, _ and \ are plain characters, not wildcards.
      assert.deepEqual(await found(admin, "%%%"), []);
    });

    it("opens a resolved conversation the agent wrote in (sync reads it) and refuses one they never touched", async () => {
      const conversations = srv.application.services.conversations as unknown as { sync: (a: object, p: object) => Promise<{ messages: unknown[] }> };
      const actor = { type: "agent", id: abe.agentId, name: "Abe Search", role: "agent" };
      assert.equal((await conversations.sync(actor, { conversationId: cids.abeWrote, afterSeq: 0 })).messages.length, 2);
      await assert.rejects(conversations.sync(actor, { conversationId: cids.untouched, afterSeq: 0 }), /not your conversation/);
    });
  });
}

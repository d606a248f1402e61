// Report figures on seeded data with known timestamps: counts, medians and p90
// (percentile_cont), CSAT, missed, per agent and per day, the CSV rows, the filters; and
// that only admins may look. Also that the write path itself sets the marks the reports
// read (first visitor message, first agent answer after it), on PGlite and PostgreSQL.
import assert from "node:assert/strict";
import { agentToken, call, connectAgent, connectVisitor, createAgent, expectOk, until, visitorSession } from "../helpers/clients.js";
import { ADMIN, serverPerSuite, startServer, testDatabases } from "../helpers/server.js";
import { httpLogin } from "../console/helpers.js";

const T0 = Date.parse("2026-11-01T00:00:00Z");
const at = (day: number, h: number, m = 0) => new Date(T0 + (day - 1) * 86_400_000 + h * 3_600_000 + m * 60_000);

for (const db of testDatabases()) {
  describe(`reports (${db})`, function () {
    this.timeout(60_000);
    const srv = serverPerSuite(() => startServer({ db }));
    let alice = "";
    let bob = "";
    let admin: Awaited<ReturnType<typeof httpLogin>>["agent"];
    let agentPage: Awaited<ReturnType<typeof httpLogin>>["agent"];

    before(async () => {
      const { token } = await agentToken(srv.url);
      const a = await createAgent(srv.url, token, "Alice");
      const b = await createAgent(srv.url, token, "Bob");
      alice = a.agentId;
      bob = b.agentId;
      const prisma = srv.application.services.db.prisma;
      // id, agent, status, created, first response after (s), resolved after (s), rating
      const rows: [string, string | null, string, Date, number | null, number | null, number | null][] = [
        ["a1", alice, "resolved", at(1, 10), 60, 600, 5],
        ["a2", alice, "resolved", at(1, 11), 120, 1200, 4],
        ["a3", alice, "open", at(2, 9), 30, null, null],
        ["a4", alice, "resolved", at(2, 12), null, 300, 1], // resolved unanswered: missed
        ["b1", bob, "resolved", at(3, 8), 240, 3600, 3],
        ["b2", bob, "open", at(3, 9), null, null, null], // open, unanswered: its agent is on it, not missed
        ["u1", null, "waiting", at(2, 15), null, null, null], // waiting unanswered: missed
        ["o1", alice, "resolved", new Date(T0 - 1000), 10, 20, 5], // the day before the period
        ["o2", bob, "resolved", at(4, 0), 10, 20, 1], // the day after
      ];
      for (const [id, agent, status, created, frt, res, rating] of rows) {
        // A visitor each: a visitor has at most one waiting or open conversation.
        await prisma.$executeRawUnsafe("INSERT INTO visitor (id, name) VALUES ($1, 'Seed')", `v-${id}`);
        const first = new Date(created.getTime() + 2000); // the first message 2 s after the row
        await srv.application.services.db.transaction((q) => q(
          `INSERT INTO conversation (id, visitor_id, agent_id, status, created_at, updated_at, first_visitor_at, first_response_at, resolved_at, csat_rating)
           VALUES ($1::text, 'v-' || $1::text, $2::text, $3::text, $4::timestamptz, $4::timestamptz, $5::timestamptz, $6::timestamptz, $7::timestamptz, $8::smallint)`,
          [id, agent, status, created.toISOString(), first.toISOString(),
          frt === null ? null : new Date(first.getTime() + frt * 1000).toISOString(),
          res === null ? null : new Date(first.getTime() + res * 1000).toISOString(), rating],
        ));
      }
      admin = (await httpLogin(srv.url, ADMIN.email, ADMIN.password)).agent;
      agentPage = (await httpLogin(srv.url, a.email, "password-123")).agent;
    });

    const PERIOD = "from=2026-11-01&to=2026-11-03";
    const csv = async (q: string) => {
      const res = await admin.get(`/admin/reports.csv?${q}`);
      assert.equal(res.status, 200, res.text);
      assert.match(String(res.headers["content-type"]), /^text\/csv/);
      return res.text.trim().split("\r\n").map((l) => l.split(","));
    };

    it("counts, medians, p90, CSAT and missed for the period, per agent and per day (CSV)", async () => {
      const rows = await csv(PERIOD);
      assert.deepEqual(rows[0], ["scope", "key", "name", "conversations", "missed", "responded", "first_response_median_s", "first_response_p90_s",
        "resolved", "resolution_median_s", "resolution_p90_s", "csat_average", "csat_count"]);
      const find = (scope: string, key: string) => rows.find((r) => r[0] === scope && r[1] === key)?.slice(3);
      // FRT 30, 60, 120, 240: median 90, p90 120 + 0.7 * 120 = 204. Resolution 300, 600,
      // 1200, 3600: median 900, p90 1200 + 0.7 * 2400 = 2880. CSAT 5, 4, 1, 3: 3.25.
      assert.deepEqual(find("total", ""), ["7", "2", "4", "90", "204", "4", "900", "2880", "3.25", "4"]);
      // Alice: FRT 30, 60, 120 (p90 60 + 0.8 * 60 = 108); resolution 300, 600, 1200 (p90 1080); CSAT 5, 4, 1.
      assert.deepEqual(find("agent", alice), ["4", "1", "3", "60", "108", "3", "600", "1080", "3.33", "3"]);
      assert.deepEqual(find("agent", bob), ["2", "0", "1", "240", "240", "1", "3600", "3600", "3", "1"]);
      assert.deepEqual(find("agent", ""), ["1", "1", "0", "", "", "0", "", "", "", "0"]);
      assert.equal(rows.find((r) => r[1] === alice)?.[2], "Alice");
      assert.deepEqual(rows.filter((r) => r[0] === "day").map((r) => [r[1], r[3], r[4]]),
        [["2026-11-01", "2", "0"], ["2026-11-02", "3", "2"], ["2026-11-03", "2", "0"]]);
      assert.deepEqual(rows.filter((r) => r[0] === "csat").map((r) => [r[1], r[3]]), [["1", "1"], ["2", "0"], ["3", "1"], ["4", "1"], ["5", "1"]]);
    });

    it("filters by agent and by period; an empty period is zeros, not an error", async () => {
      const rows = await csv(`${PERIOD}&agent=${bob}`);
      assert.deepEqual(rows.find((r) => r[0] === "total")?.slice(3), ["2", "0", "1", "240", "240", "1", "3600", "3600", "3", "1"]);
      assert.deepEqual(rows.filter((r) => r[0] === "agent").map((r) => r[1]), [bob]);
      const day2 = await csv("from=2026-11-02&to=2026-11-02");
      assert.deepEqual(day2.find((r) => r[0] === "total")?.slice(3, 6), ["3", "2", "1"]);
      const empty = await csv("from=2025-01-01&to=2025-01-03");
      assert.deepEqual(empty.find((r) => r[0] === "total")?.slice(3), ["0", "0", "0", "", "", "0", "", "", "", "0"]);
      assert.equal(empty.filter((r) => r[0] === "day").length, 3);
    });

    it("renders the page with the figures and an inline SVG chart, no script", async () => {
      const res = await admin.get(`/admin/reports?${PERIOD}`);
      assert.equal(res.status, 200);
      assert.match(res.text, /data-k="conversations">7</);
      assert.match(res.text, /data-k="missed">2</);
      assert.match(res.text, /data-k="csat">3\.25</);
      assert.match(res.text, /data-k="resolution">15 min</);
      assert.match(res.text, /<title>2026-11-02: 3 conversations, 2 missed<\/title>/);
      assert.equal((res.text.match(/class="chart__bar chart__bar--missed"/g) ?? []).length, 1, "missed only on 11-02");
      assert.match(res.text, /data-rating="4">1</);
      assert.match(res.text, new RegExp(`href="/admin/reports.csv\\?from=2026-11-01&amp;to=2026-11-03"`));
      assert.doesNotMatch(res.text, /<script/);
      // Default period: the last 30 days, ending today.
      const today = new Date().toISOString().slice(0, 10);
      const dflt = await admin.get("/admin/reports");
      assert.equal(dflt.status, 200);
      assert.match(dflt.text, new RegExp(`name="to" value="${today}"`));
    });

    it("refuses bad filters with 400", async () => {
      for (const q of ["from=2026-13-01", "from=2026-11-05&to=2026-11-01", "from=2020-01-01&to=2026-11-01", "from=yesterday", "junk=1"]) {
        const res = await admin.get(`/admin/reports.csv?${q}`);
        assert.equal(res.status, 400, q);
      }
    });

    it("is for admins only: an agent gets 403, nobody the login page", async () => {
      for (const path of [`/admin/reports?${PERIOD}`, `/admin/reports.csv?${PERIOD}`]) {
        const res = await agentPage.get(path);
        assert.equal(res.status, 403, path);
        assert.doesNotMatch(res.text, /chart__svg|scope,key/);
        const anon = await fetch(srv.url + path, { redirect: "manual" });
        assert.equal(anon.status, 303, path);
        assert.match(anon.headers.get("location") ?? "", /^\/login/);
      }
    });

    it("the write path marks the first visitor message and the first agent answer after it", async () => {
      const { token } = await agentToken(srv.url);
      const agent = await connectAgent(srv.url, token);
      const v = await connectVisitor(srv.url, (await visitorSession(srv.url, "Marked")).token);
      const first = expectOk(await call(v.socket, "message:send", { clientMsgId: "m1", type: "text", body: "hello" }), "visitor send");
      const cid = first.message.conversationId;
      await until(async () => (await srv.application.services.repos.conversations.byId(cid))?.agent_id === agent.ready.you.id, 10_000, "assigned");
      expectOk(await call(v.socket, "message:send", { clientMsgId: "m2", type: "text", body: "anyone?" }), "second");
      const marks = async () => (await srv.application.services.db.prisma.$queryRawUnsafe<{ v: Date | null; r: Date | null }[]>(
        "SELECT first_visitor_at AS v, first_response_at AS r FROM conversation WHERE id = $1", cid))[0];
      let m = await marks();
      assert.equal(m.v?.toISOString(), first.message.createdAt, "first visitor message");
      assert.equal(m.r, null, "system lines (joined) are no answer");
      const reply = expectOk(await call(agent.socket, "message:send", { conversationId: cid, clientMsgId: "r1", type: "text", body: "hi!" }), "reply");
      expectOk(await call(agent.socket, "message:send", { conversationId: cid, clientMsgId: "r2", type: "text", body: "still here" }), "reply 2");
      m = await marks();
      assert.equal(m.r?.toISOString(), reply.message.createdAt, "the first answer, kept over later ones");
      assert.equal(m.v?.toISOString(), first.message.createdAt);
      agent.close();
      v.close();
    });
  });
}

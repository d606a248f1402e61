// Business hours on a real server whose clock is injected (createApplication's `now`):
// inside the hours the visitor is told someone is there and the conversation is
// assigned; outside them, and on a holiday, availability says offline whoever is online,
// the conversation waits with the admin's own offline message (not a stock text), an
// agent may still claim it, and at opening time the node's timer moves the queue. The
// admin sets all of it on /admin/hours (CSRF, validation that changes nothing on refusal).
import assert from "node:assert/strict";
import { call, until } from "../helpers/clients.js";
import { REDIS_URL, startServer, type TestServer } from "../helpers/server.js";
import { httpLogin } from "../console/helpers.js";
import { ADMIN } from "../helpers/server.js";
import {
  newAgent, newVisitor, requireState, retire, row, say, settled, systemTexts, transcript, variants, type Agent,
} from "../assignment/harness.js";

const OFFLINE = "Our team is in from 9:00 to 17:30, Paris time. Leave a message and we reply by email.";
const FORM = {
  enabled: "on", timezone: "Europe/Paris", mon: "09:00-17:30", tue: "09:00-17:30", wed: "09:00-12:00, 13:00-17:30",
  thu: "09:00-17:30", fri: "09:00-17:30", sat: "", sun: "", holidays: "2026-12-25\n2027-01-01",
};

for (const v of variants()) {
  describe(`business hours with an injected clock [${v.name}]`, function () {
    this.timeout(60_000);
    let offset = 0;
    let srv: TestServer;
    let agent: Agent;
    let admin: Awaited<ReturnType<typeof httpLogin>>;
    /** Puts the server's clock at `iso` (it keeps ticking from there) and lets the node re-judge. */
    const clockAt = async (iso: string) => {
      offset = Date.parse(iso) - Date.now();
      await srv.application.services.hours.load();
    };
    const widget = async () => (await fetch(`${srv.url}/api/widget/settings`)).json();
    const pageSettings = async () => {
      const html = await (await fetch(`${srv.url}/`)).text();
      const m = /data-settings="([^"]*)"/.exec(html)!;
      return JSON.parse(m[1].replace(/&#34;/g, '"').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&"));
    };
    const post = (body: object) => admin.agent.post("/admin/hours").type("form").send({ _csrf: admin.csrf, ...body });

    before(async function () {
      await requireState(this, v.state);
      srv = await startServer({ db: v.db, now: () => Date.now() + offset, env: v.state === "redis" ? { REDIS_URL } : {} });
      const settings = srv.application.services.settings;
      await settings.setWidget({ ...(await settings.getWidget()), offlineMessage: OFFLINE });
      admin = await httpLogin(srv.url, ADMIN.email, ADMIN.password);
      await clockAt("2026-01-14T21:00:00+01:00"); // a Wednesday evening in Paris
    });
    after(async () => {
      if (agent) await retire(agent);
      await srv?.stop();
    });

    it("off by default: always open, and the no-agent line is the admin's offline message", async () => {
      const body = await widget();
      assert.equal(body.available, false); // nobody online yet
      assert.equal(body.hours, undefined, "no schedule: nothing about hours");
      const visitor = await newVisitor(srv);
      const cid = (await say(visitor)).conversationId;
      await until(async () => systemTexts(await transcript(srv, cid)).length > 0, 5000, "the no-agent line");
      assert.deepEqual(systemTexts(await transcript(srv, cid)), [OFFLINE]);
      assert.ok(!visitor.received.some((m) => /No agent is available/.test(m.body)), "never the stock text");
      // It is 21:00 but hours are off: an agent coming online takes the waiting conversation.
      agent = await newAgent(srv, "Ana");
      await settled(srv, cid, "open", agent.id);
      assert.equal((await call(agent.socket, "conversation:resolve", { conversationId: cid })).ok, true);
      await until(async () => (await widget()).available === true, 5000, "available once Ana is online"); // a 2 s memo
      visitor.close();
    });

    it("the admin form: CSRF, refused input changes nothing, a good one applies at once", async () => {
      const stored = () => srv.application.services.repos.settings.get("hours");
      assert.equal((await admin.agent.post("/admin/hours").type("form").send(FORM)).status, 403, "no CSRF token");
      for (const [bad, msg] of [
        [{ timezone: "Mars/Olympus" }, /IANA name/], [{ mon: "9 to 5" }, /mon: &#34;9 to 5&#34; is not like 09:00-17:30/],
        [{ tue: "18:00-09:00" }, /not like 09:00-17:30/], [{ holidays: "Christmas" }, /dates like 2026-12-25/], [{ colour: "red" }, /colour/],
      ] as [object, RegExp][]) {
        const before = JSON.stringify(await stored());
        const res = await post({ ...FORM, ...bad });
        assert.equal(res.status, 400, JSON.stringify(bad));
        assert.match(res.text, /notice--error/);
        assert.match(res.text, msg);
        assert.equal(JSON.stringify(await stored()), before, "nothing changed");
      }
      assert.equal((await widget()).available, true, "still open: nothing was saved");
      assert.equal((await post(FORM)).status, 303);
      const page = (await admin.agent.get("/admin/hours")).text;
      assert.match(page, /Business hours saved/);
      assert.match(page, /Closed now \(Wed 14 Jan, 21:0\d, Europe\/Paris\); opens Thu 15 Jan, 09:00/);
      assert.match(page, /name="wed" value="09:00-12:00, 13:00-17:30"/);
      assert.match(page, /2026-12-25\n2027-01-01/);
    });

    it("outside hours: offline for visitors though an agent is online; the conversation waits with the admin's message; a claim still works", async () => {
      const body = await widget();
      assert.equal(body.available, false);
      assert.equal(body.hours.open, false);
      // Thursday 09:00 Paris is 12 h away.
      assert.ok(Math.abs(body.hours.nextChangeInMs - 12 * 3600_000) < 60_000, String(body.hours.nextChangeInMs));
      const page = await pageSettings();
      assert.equal(page.available, false);
      assert.equal(page.offlineMessage, OFFLINE);
      assert.equal((await srv.application.services.presence.availableAgents()).includes(agent.id), true, "the agent is online");

      const visitor = await newVisitor(srv);
      const cid = (await say(visitor)).conversationId;
      await until(async () => systemTexts(await transcript(srv, cid)).length > 0, 5000, "the no-agent line");
      await new Promise((r) => setTimeout(r, 5500)); // a queue sweep (every 5 s) goes by
      assert.equal((await row(srv, cid)).status, "waiting");
      assert.deepEqual(systemTexts(await transcript(srv, cid)), [OFFLINE]);
      await until(() => visitor.received.some((m) => m.body === OFFLINE), 3000, "the visitor reads the admin's message");

      const claimed = await call(agent.socket, "conversation:claim", { conversationId: cid });
      assert.equal(claimed.ok, true, JSON.stringify(claimed));
      await settled(srv, cid, "open", agent.id);
      assert.equal((await call(agent.socket, "conversation:resolve", { conversationId: cid })).ok, true);
      visitor.close();
    });

    it("a holiday is closed all day, even on a weekday", async () => {
      await clockAt("2026-12-25T10:00:00+01:00"); // Friday, Christmas
      const body = await widget();
      assert.deepEqual([body.available, body.hours.open], [false, false]);
      // The next opening skips the weekend: Monday the 28th, 09:00.
      assert.ok(Math.abs(body.hours.nextChangeInMs - (3 * 24 - 1) * 3600_000) < 60_000, String(body.hours.nextChangeInMs));
      const visitor = await newVisitor(srv);
      const cid = (await say(visitor)).conversationId;
      await until(async () => systemTexts(await transcript(srv, cid)).length > 0, 5000, "the no-agent line");
      assert.equal((await row(srv, cid)).status, "waiting");
      assert.deepEqual(systemTexts(await transcript(srv, cid)), [OFFLINE]);
      visitor.close(); // it waits on; the next test opens the doors on it
    });

    it("at opening time the node's timer flips availability and the waiting queue is assigned", async () => {
      const flips: boolean[] = [];
      srv.application.services.hours.onChange((open) => flips.push(open));
      await clockAt("2026-12-28T08:59:58.500+01:00"); // Monday, 1.5 s before opening
      assert.equal((await widget()).available, false);
      const waiting = await srv.application.services.repos.conversations.waitingIds(50);
      assert.equal(waiting.length, 1, "the holiday's conversation waits");
      const t0 = Date.now();
      await until(() => flips.length > 0, 4000, "the hours open on the node's timer");
      assert.deepEqual(flips, [true]);
      await settled(srv, waiting[0], "open", agent.id, 3000);
      const took = Date.now() - t0;
      const body = await widget();
      assert.deepEqual([body.available, body.hours.open], [true, true]);
      assert.ok(Math.abs(body.hours.nextChangeInMs - 8.5 * 3600_000) < 60_000); // closes 17:30
      assert.ok(took < 4000, `assigned ${took} ms after the clock reached 09:00 minus 1.5 s`);
    });

    it("inside hours: the visitor sees someone there and a new conversation is assigned at once", async () => {
      await clockAt("2026-01-14T10:30:00+01:00"); // Wednesday morning
      assert.deepEqual([(await widget()).available, (await pageSettings()).available], [true, true]);
      const visitor = await newVisitor(srv);
      const cid = (await say(visitor)).conversationId;
      await settled(srv, cid, "open", agent.id);
      await until(async () => systemTexts(await transcript(srv, cid)).length > 0, 5000, "the joined line");
      assert.deepEqual(systemTexts(await transcript(srv, cid)), ["Ana joined the conversation"]);
      visitor.close();
      // Lunch (12:00-13:00 on Wednesdays) is outside the hours.
      await clockAt("2026-01-14T12:15:00+01:00");
      assert.equal((await widget()).available, false);
      // Switched off again: open at all times.
      assert.equal((await post({ ...FORM, enabled: undefined })).status, 303);
      assert.equal((await widget()).available, true);
      assert.equal((await widget()).hours, undefined);
    });
  });
}

// One participant flooding the server slows nobody else (PROTOCOL.md section 3, Acks: rate
// limits are per participant). A visitor fires 10,000 sends a second from one socket (from
// a process of its own), or thousands of typing, read, sync and heartbeat events, while
// other visitors chat: the others' events all succeed, the flooder is answered
// RATE_LIMITED with retryAfterMs (nothing stored beyond its budget); a client that goes
// on regardless is cut off and its handshakes refused for a while; /healthz stays quick.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import type { Ack } from "../../src/events.js";
import { call, callRaw, connectVisitor, expectOk, sleep, type ConnectError, type Participant, visitorSession } from "../helpers/clients.js";
import { startServer, testDatabases, type TestServer } from "../helpers/server.js";

const root = path.resolve(import.meta.dirname, "../..");

/** bench/flooder.mjs in a process of its own: `rate` acked emits a second for `seconds`,
 *  connecting again whenever it is cut off. */
async function floodFromElsewhere(url: string, token: string, rate: number, seconds: number) {
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ["bench/flooder.mjs", url, "/visitor", token, "--rate", String(rate), "--seconds", String(seconds)], { cwd: root });
    let stdout = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => process.stderr.write(b));
    child.on("exit", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`flooder exited ${code}`))));
  });
  return JSON.parse(out) as {
    sent: number; answered: number; codes: Record<string, number>; retryAfterMs: number | null;
    disconnects: number; refusedHandshakes: Record<string, number>;
  };
}

/** `n` acked emits of one event at once from one socket, answers tallied by code. */
async function flood(p: Participant, event: string, payload: (i: number) => unknown, n: number) {
  const answers = await Promise.all(Array.from({ length: n }, (_, i) => callRaw(p.socket, event, payload(i), 60_000)));
  const codes = new Map<string, number>();
  for (const a of answers) codes.set(a.ok ? "ok" : a.error.code, (codes.get(a.ok ? "ok" : a.error.code) ?? 0) + 1);
  return { answers, codes };
}

const refusal = (answers: Ack[]) => answers.find((a) => !a.ok);

for (const db of testDatabases()) {
  describe(`flood isolation [${db}]`, function () {
    this.timeout(120_000);
    let srv: TestServer;
    before(async () => (srv = await startServer({ db })));
    after(async () => srv?.stop());

    it("a visitor flooding message:send at 10,000/s: everyone else's sends succeed; the flooder is refused, then cut off and cooled down", async () => {
      const flooder = await visitorSession(srv.url, "Flooder");
      const others = await Promise.all(Array.from({ length: 5 }, async (_, i) => connectVisitor(srv.url, (await visitorSession(srv.url, `Other ${i}`)).token)));
      const health: number[] = [];
      const probe = setInterval(() => {
        const t0 = performance.now();
        void fetch(`${srv.url}/healthz`).then(() => health.push(performance.now() - t0));
      }, 50);
      const flooding = floodFromElsewhere(srv.url, flooder.token, 10_000, 4);
      // The others chat while the flood is in flight: 20 messages each, one after another.
      const chats = others.map(async (o, k) => {
        await sleep(300);
        const acks = [];
        for (let i = 0; i < 20; i++) acks.push(await call(o.socket, "message:send", { clientMsgId: `o${k}-${i}`, type: "text", body: `hello ${i}` }, 60_000));
        return acks;
      });
      const [f, ...otherAcks] = await Promise.all([flooding, ...chats]);
      clearInterval(probe);
      for (const acks of otherAcks) for (const a of acks) assert.equal(a.ok, true, `another visitor's send was refused: ${JSON.stringify(a)}`);
      assert.equal(f.answered, f.sent, `every flood emit was answered or failed with its socket: ${JSON.stringify(f)}`);
      assert.ok((f.codes.ok ?? 0) <= 150, `the flooder stored ${f.codes.ok} messages`);
      // Going on past its refusals got it cut off (what it had sent meanwhile is dropped
      // with the socket: NO_ANSWER), and its handshakes are refused for a while.
      assert.equal(f.disconnects, 1, JSON.stringify(f));
      assert.equal((f.codes.ok ?? 0) + (f.codes.RATE_LIMITED ?? 0) + (f.codes.NO_ANSWER ?? 0), f.sent, JSON.stringify(f.codes));
      assert.equal(f.refusedHandshakes.AUTH_INVALID, undefined);
      const cut = await connectVisitor(srv.url, flooder.token).then(() => null, (e: ConnectError) => e);
      assert.equal(cut?.data?.code, "RATE_LIMITED", "cooling down");
      assert.ok((cut?.data?.retryAfterMs ?? 0) > 20_000, `cool-down of ${cut?.data?.retryAfterMs} ms`);
      // Nothing beyond its budget is stored: its acked sends, and those whose acks were
      // still on the way when it was cut off (a retry would be answered `duplicate`).
      const { repos } = srv.application.services;
      const conv = await repos.conversations.latestForVisitor(flooder.visitorId);
      const stored = (conv ? await repos.messages.messagesAfter(conv.id, 0, 500) : []).filter((m) => m.sender.type === "visitor");
      assert.ok(stored.length >= (f.codes.ok ?? 0) && stored.length <= 150, `${stored.length} of the flood stored`);
      health.sort((a, b) => a - b);
      // Loose bounds: this machine may be shared, and on PGlite (in this process) the
      // flooder's allowed burst blocks the event loop for a moment; unprotected, every
      // probe took seconds and the flooding socket itself was lost.
      const median = health[Math.floor(health.length / 2)];
      assert.ok(health.length > 20 && median < 250 && health[health.length - 1] < 5000,
        `/healthz during the flood: median ${Math.round(median)} ms, max ${Math.round(health.at(-1) ?? NaN)} ms`);
      for (const p of others) p.close();
    });

    it("every event kind has its own per-participant budget: a burst of sends, typing, reads, syncs or heartbeats is refused RATE_LIMITED for the flooder only", async () => {
      const other = await connectVisitor(srv.url, (await visitorSession(srv.url, "Bystander")).token);
      expectOk(await call(other.socket, "message:send", { clientMsgId: "start", type: "text", body: "start" }));
      const kinds: [string, (i: number) => unknown][] = [
        ["message:send", (i) => ({ clientMsgId: `burst-${i}`, type: "text", body: `burst ${i}` })],
        ["typing", (i) => ({ isTyping: i % 2 === 0 })],
        ["message:read", () => ({ upToSeq: 1 })],
        ["sync", () => ({ afterSeq: 0, limit: 1 })],
        ["hb", (i) => ({ t: i })],
      ];
      for (const [event, payload] of kinds) {
        const flooder = await connectVisitor(srv.url, (await visitorSession(srv.url, `Flooder ${event}`)).token);
        expectOk(await call(flooder.socket, "message:send", { clientMsgId: "start", type: "text", body: "start" }));
        const { answers, codes } = await flood(flooder, event, payload, 150);
        const refused = refusal(answers);
        assert.ok(refused && !refused.ok, `${event}: a flood of 150 was all accepted`);
        assert.equal(refused.error.code, "RATE_LIMITED", `${event}: ${JSON.stringify([...codes])}`);
        assert.ok((refused.error.retryAfterMs ?? 0) > 0, `${event}: retryAfterMs`);
        assert.ok(flooder.socket.connected, `${event}: a client told to wait is not cut off at once`);
        const theirs = await callRaw(other.socket, event, payload(0));
        assert.equal(theirs.ok, true, `${event} of another visitor right after the flood: ${JSON.stringify(theirs)}`);
        flooder.close();
      }
      other.close();
    });
  });
}

// The ONE behavioural suite every PresenceStore must pass; store.test.ts runs it against
// the memory store and the Redis store. Real time, short timings (helpers.T).
import assert from "node:assert/strict";
import type { DeviceInfo, PresenceStore, PresenceTimings } from "../../src/presence/presence.types.js";
import { record, SLACK_MS, sleep, states, T, waitFor } from "./helpers.js";

export interface Harness {
  /** In before(): false skips the suite (Redis absent outside CI). */
  setup(): Promise<boolean>;
  /** A fresh, isolated store (timings: helpers.T, with `timings` over them); `keys` lists
   *  what it left in Redis ([] in memory). */
  create(opts?: { releasedTtlMs?: number; timings?: Partial<PresenceTimings> }): { store: PresenceStore; keys(): Promise<{ keys: string[]; forever: string[] }> };
  /** After each test: close what create() made. */
  cleanup(): Promise<void>;
  teardown(): Promise<void>;
}

const v = (id: string) => ({ type: "visitor" as const, id });
const a = (id: string) => ({ type: "agent" as const, id });
const dev = (socketId: string, reconnects = 0): DeviceInfo => ({ socketId, transport: "polling", reconnects, connectedAt: Date.now() });

export function presenceStoreSuite(name: string, h: Harness) {
  describe(`PresenceStore: ${name}`, function () {
    this.timeout(20_000);
    before(async function () {
      if (!(await h.setup())) this.skip();
    });
    afterEach(() => h.cleanup());
    after(() => h.teardown());

    it("is online on connect and stays online while traffic flows", async () => {
      const { store: s } = h.create();
      const log = record(s);
      await s.connect(v("v1"), dev("s1"));
      assert.equal(await s.presence(v("v1")), "online");
      for (let i = 0; i < 8; i++) (s.traffic(v("v1")), await sleep(100)); // 800 ms > offlineAfterMs
      assert.equal(await s.presence(v("v1")), "online");
      assert.deepEqual(states(log), ["online"]);
      assert.deepEqual(log[0].participant, v("v1"));
      assert.equal(log[0].previous, "offline");
    });

    it("stalled link (socket open, no traffic): offline, then left, then online again; each once", async () => {
      const { store: s } = h.create();
      const log = record(s);
      await s.connect(v("v1"), dev("s1"));
      s.traffic(v("v1"));
      const t0 = Date.now();
      await waitFor(() => states(log).length >= 2, 2000, "offline");
      const offlineAfter = log[1].at - t0;
      assert.equal(log[1].presence, "offline");
      assert.ok(offlineAfter >= T.offlineAfterMs - 5 && offlineAfter <= T.offlineAfterMs + SLACK_MS, `offline after ${offlineAfter} ms`);
      await waitFor(() => states(log).length >= 3, 2000, "left");
      const leftAfter = log[2].at - t0;
      assert.ok(leftAfter >= T.releaseAfterMs - 5 && leftAfter <= T.releaseAfterMs + SLACK_MS, `left after ${leftAfter} ms`);
      assert.equal(await s.presence(v("v1")), "left");
      s.traffic(v("v1")); // the link comes back
      await waitFor(() => states(log).length >= 4, 2000, "online again");
      await sleep(100);
      assert.deepEqual(states(log), ["online", "offline", "left", "online"]);
      assert.deepEqual(log.map((c) => c.previous), ["offline", "online", "offline", "left"]);
    });

    it("high RTT: unstable while it stays high, online again when it drops; a single spike is ignored", async () => {
      const { store: s } = h.create();
      const log = record(s);
      await s.connect(v("v1"), dev("s1"));
      for (const ms of [90, 80, 2500, 85, 95]) s.rtt(v("v1"), ms); // one spike among good samples
      await sleep(120);
      assert.deepEqual(states(log), ["online"]);
      s.rtt(v("v1"), 1200);
      s.rtt(v("v1"), 950);
      await waitFor(async () => (await s.presence(v("v1"))) === "unstable", 2000, "unstable");
      s.rtt(v("v1"), 100);
      s.rtt(v("v1"), 110);
      await waitFor(async () => (await s.presence(v("v1"))) === "online", 2000, "online");
      await sleep(100);
      assert.deepEqual(states(log), ["online", "unstable", "online"]);
      assert.equal(log[1].rttMs, 950);
      const health = await s.health(v("v1"));
      assert.deepEqual(health.rttHistory, [90, 80, 2500, 85, 95, 1200, 950, 100, 110]);
      assert.equal(health.rttMs, 110);
    });

    it("3 reconnects within the window: unstable; a reload (reconnects 0) does not count", async () => {
      const { store: s } = h.create();
      const log = record(s);
      await s.connect(v("v1"), dev("s0"));
      await s.disconnect(v("v1"), "s0");
      await s.connect(v("v1"), dev("r0", 0)); // reload
      for (let i = 1; i <= 3; i++) {
        await s.disconnect(v("v1"), i === 1 ? "r0" : `s${i - 1}`);
        await s.connect(v("v1"), dev(`s${i}`, i));
      }
      assert.equal(await s.presence(v("v1")), "unstable");
      const health = await s.health(v("v1"));
      assert.equal(health.recentReconnects, 3);
      assert.equal(health.reconnects, 3);
      assert.deepEqual(health.devices.map((d) => d.socketId), ["s3"]);
      await sleep(150); // past the grace: the short disconnects announced nothing
      assert.deepEqual(states(log), ["online", "unstable"]);
    });

    it("last device gone: offline after the grace, a quick navigation announces nothing", async () => {
      const { store: s } = h.create();
      const log = record(s);
      await s.connect(v("v1"), dev("s1"));
      await s.connect(v("v1"), dev("s2"));
      await s.disconnect(v("v1"), "s1");
      await s.disconnect(v("v1"), "s2");
      await s.connect(v("v1"), dev("s3")); // a page navigation
      await sleep(T.disconnectGraceMs! + 60);
      assert.deepEqual(states(log), ["online"]);
      await s.disconnect(v("v1"), "s3");
      const t0 = Date.now();
      await waitFor(() => log.length >= 2, 1000, "offline");
      assert.equal(log[1].presence, "offline");
      assert.ok(log[1].at - t0 >= T.disconnectGraceMs! - 5 && log[1].at - t0 <= T.disconnectGraceMs! + SLACK_MS);
      await waitFor(() => log.length >= 3, 2000, "left");
      assert.deepEqual(states(log), ["online", "offline", "left"]);
      assert.equal(await s.presence(v("v1")), "left");
    });

    it("availableAgents: online or unstable, and not away", async () => {
      const { store: s } = h.create();
      await s.connect(a("a1"), dev("x1"));
      await s.connect(a("a2"), dev("x2"));
      assert.deepEqual((await s.availableAgents()).sort(), ["a1", "a2"]);
      await s.setAgentStatus("a2", "away");
      assert.equal(await s.agentStatus("a2"), "away");
      assert.equal(await s.agentStatus("a1"), "online");
      assert.deepEqual(await s.availableAgents(), ["a1"]);
      s.rtt(a("a1"), 3000);
      await waitFor(async () => (await s.presence(a("a1"))) === "unstable", 2000, "unstable agent");
      assert.deepEqual(await s.availableAgents(), ["a1"]);
      await s.setAgentStatus("a2", "online");
      assert.deepEqual((await s.availableAgents()).sort(), ["a1", "a2"]);
      await sleep(T.offlineAfterMs + SLACK_MS); // both stall
      assert.deepEqual(await s.availableAgents(), []);
    });

    it("availableAgents: only with a connected device, even while presence rides out the disconnect grace", async () => {
      const { store: s } = h.create({ timings: { disconnectGraceMs: 5000 } });
      await s.connect(a("a1"), dev("x1"));
      await s.connect(a("a2"), dev("x2"));
      await s.disconnect(a("a1"), "x1");
      assert.equal(await s.presence(a("a1")), "online", "a page navigation is not announced");
      assert.deepEqual(await s.availableAgents(), ["a2"], "but there is no device to give a conversation to");
      await s.connect(a("a1"), dev("x3"));
      assert.deepEqual((await s.availableAgents()).sort(), ["a1", "a2"]);
    });

    it("health and presenceMany", async () => {
      const { store: s } = h.create();
      await s.connect(v("v1"), dev("s1", 2));
      s.transport(v("v1"), "s1", "websocket");
      s.rtt(v("v1"), 120);
      await sleep(100);
      const hl = await s.health(v("v1"));
      assert.equal(hl.presence, "online");
      assert.equal(hl.transport, "websocket");
      assert.equal(hl.reconnects, 2);
      assert.equal(hl.recentReconnects, 1);
      assert.equal(hl.rttMs, 120);
      assert.ok(hl.lastTrafficAt !== null && Date.now() - hl.lastTrafficAt < 1000);
      assert.deepEqual(await s.presenceMany([v("nobody"), v("v1")]), ["offline", "online"]);
      const none = await s.health(v("nobody"));
      assert.deepEqual([none.presence, none.devices, none.rttMs, none.lastTrafficAt], ["offline", [], null, null]);
    });

    it("no leaks: 5,000 visitors connect, talk, disconnect and run to left", async function () {
      this.timeout(60_000); // 15,000 presence changes: slow on a loaded CI machine
      const { store: s, keys } = h.create({ releasedTtlMs: 300 });
      const log = record(s);
      const N = 5000;
      for (let i = 0; i < N; i += 500) {
        await Promise.all(Array.from({ length: 500 }, async (_, j) => {
          const p = v(`leak-${i + j}`);
          await s.connect(p, dev(`sock-${i + j}`));
          s.traffic(p);
          s.rtt(p, 50);
          await s.disconnect(p, `sock-${i + j}`);
        }));
      }
      await waitFor(() => log.length >= 3 * N, 40_000, `${3 * N} changes (have ${log.length})`);
      const counted = new Map<string, string>();
      for (const c of log) counted.set(c.participant.id, (counted.get(c.participant.id) ?? "") + c.presence[0]);
      assert.equal(counted.size, N);
      assert.ok([...counted.values()].every((x) => x === "ool"), "each visitor: online, offline, left, once each");
      await waitFor(async () => Object.values(await s.size()).every((n) => n === 0), 3000, "empty structures");
      const left = await keys();
      assert.deepEqual(left.forever, [], "every Redis key has a TTL");
      // The released record ("left") expires after releasedTtlMs, and with it every key.
      await waitFor(async () => (await s.presence(v(`leak-${N - 1}`))) === "offline", 2000, "released record to expire");
      await waitFor(async () => (await keys()).keys.length <= 1, 2000, "keys to expire (at most the node's liveness key stays)");
      await sleep(200);
      assert.equal(log.length, 3 * N);
    });
  });
}

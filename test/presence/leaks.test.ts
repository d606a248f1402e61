// "No state leaks after thousands of connects and disconnects (count the entries)", for the
// whole server: rounds of a few hundred fresh visitors (each reconnecting several times,
// a third of them opening a conversation) and churning agents, ended in every way a socket
// ends (clean disconnect, engine close, TCP cut, stalled link, polling), run against a real
// server while one agent stays connected throughout. After each round, once everyone is
// past RELEASE_AFTER_MS, every per-socket and per-participant structure the server keeps
// must be back to its count before the churn (leak-churn.ts says which), and the heap
// after a forced GC must not grow from one equal round to the next.
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Redis } from "ioredis";
import { newAgent, requireState, retire, variants, type Agent } from "../assignment/harness.js";
import { call, sleep } from "../helpers/clients.js";
import { REDIS_URL, startServer, TEST_REDIS_PREFIX, type TestServer } from "../helpers/server.js";
import { bookkeeping, churn, ROUND } from "./leak-churn.js";

// Short timers, but a transport timeout (about OFFLINE_AFTER_MS) that a loaded 2-core machine
// does not trip for the agent who must stay connected; re-emits well inside a connection's life.
// (OFFLINE_AFTER_MS 1000 gave a 666 ms transport timeout, which the churn's event-loop
// stalls tripped for the resident agent once each handshake checked tokens and limits.)
const ENV = { OFFLINE_AFTER_MS: "3000", RELEASE_AFTER_MS: "3000", HEARTBEAT_INTERVAL_MS: "900", DELIVERY_RETRY_MS: "400" };
/** Last traffic + RELEASE_AFTER_MS (left) + the released record's TTL (as long) + slack. */
const SETTLE_MS = 16_000;
const ROUNDS = 3; // the first warms up (JIT, Prisma, pools); the heap is compared between the others
/** Heap growth allowed between two equal rounds (after a forced GC). Measured: 0.2-1 MB of
 *  compiled code and caches; a round whose server kept its visitor sockets keeps ~10 MB. */
const HEAP_SLACK = 4 * 1024 * 1024;

// Without a flag the suite's .mocharc does not set, gc() is obtained at run time.
setFlagsFromString("--expose-gc");
const gc: () => void = (globalThis as { gc?: () => void }).gc ?? runInNewContext("gc");

// Presence keys in their own Redis database, so counting them is not disturbed by other
// suites' servers on the same Redis (their orphaned deadlines would be adopted here).
const isolatedRedisUrl = () => Object.assign(new URL(REDIS_URL), { pathname: "/11" }).toString();

// The database only stores what the churn writes: the embedded one is enough.
for (const v of variants(["pglite"])) {
  describe(`no leaks after thousands of connects and disconnects [${v.name}]`, function () {
    this.timeout(150_000);
    let srv: TestServer;
    let redis: Redis | undefined;
    let resident: Agent;
    before(async function () {
      await requireState(this, v.state);
      if (v.state === "redis") {
        redis = new Redis(isolatedRedisUrl());
        for (const k of await redis.keys(`${TEST_REDIS_PREFIX}*`)) await redis.del(k); // an aborted earlier run
      }
      srv = await startServer({ db: v.db, env: { ...ENV, ...(redis ? { REDIS_URL: isolatedRedisUrl() } : {}) } });
      // Connected throughout: takes conversations, and must not keep rooms of finished ones.
      resident = await newAgent(srv, "Resident", 5);
    });
    after(async () => {
      if (resident) await retire(resident);
      await srv?.stop();
      redis?.disconnect();
    });

    // A visitor who left keeps their conversation open with its agent (issue 11): the rooms
    // of the resident's conversations are live, not leaked, until the resident resolves them,
    // as an agent does at the end of a day (requeued ones of churned agents included).
    async function resolveResidents() {
      for (const c of await srv.application.services.repos.conversations.forAgent(resident.id)) {
        await call(resident.socket, "conversation:resolve", { conversationId: c.id }).catch(() => {});
      }
    }

    it(`${ROUNDS} rounds of ~${ROUND.connects} connects each: every count returns to its baseline`, async () => {
      await sleep(300);
      const base = await bookkeeping(srv, resident, redis);
      const heaps: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const started = Date.now();
        const done = await churn(srv, r);
        const churned = Date.now();
        let now = await bookkeeping(srv, resident, redis);
        const end = Date.now() + SETTLE_MS;
        while (JSON.stringify(now) !== JSON.stringify(base) && Date.now() < end) {
          await sleep(100);
          await resolveResidents();
          now = await bookkeeping(srv, resident, redis);
        }
        assert.deepEqual(now, base, `round ${r}: bookkeeping back to its baseline`);
        // A few connections may be lost under load before `ready` (counted): most must connect.
        assert.ok(done.connects >= ROUND.connects * 0.9, `round ${r}: ${done.connects} of ${ROUND.connects} connected`);
        gc();
        gc();
        heaps.push(process.memoryUsage().heapUsed);
        const { emitted, retried } = srv.application.services.realtime.stats;
        console.log(`      round ${r}: ${done.connects} connects (${done.lost} lost), ${done.messages} messages, ` +
          `${emitted} emits / ${retried} re-emits so far, ${churned - started} + ${Date.now() - churned} ms to settle, heap ${(heaps[r] / 2 ** 20).toFixed(1)} MB`);
      }
      // The re-emit path was taken (a quarter of the visitors never ack), so "no acks
      // pending" above covers its timers too.
      assert.ok(srv.application.services.realtime.stats.retried > 0, "some messages were re-emitted");
      if (redis) {
        const keys = await redis.keys(`${TEST_REDIS_PREFIX}*`);
        const ttls = await Promise.all(keys.map((k) => redis!.pttl(k)));
        assert.deepEqual(keys.filter((_, i) => ttls[i] === -1), [], "every presence key in Redis expires");
      }
      const growth = heaps[ROUNDS - 1] - heaps[ROUNDS - 2];
      assert.ok(growth < HEAP_SLACK, `heap grew ${(growth / 2 ** 20).toFixed(1)} MB between two equal rounds`);
    });
  });
}

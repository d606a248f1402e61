// Chaos under traffic: three nodes behind nginx (the README's recipe), PostgreSQL and Redis
// behind TCP fault proxies, 24 visitors (half on WebSocket, half on long-polling) each
// sending a message every ~250 ms and 3 agents answering some, every one connected
// through nginx from its own address so that each node holds visitors and an agent. One
// fault per test; afterwards no node exited, every acked message is stored exactly once
// with gapless seqs and reached the other side, no ack said INTERNAL, /readyz said 503
// during the fault and 200 after, live delivery across nodes resumed within 10 s with no
// client reconnecting, and presence is right. Each test prints its recovery time: from
// the end of the fault until every node is ready and live cross-node delivery works.
import assert from "node:assert/strict";
import { sleep } from "../helpers/clients.js";
import { assertDelivered, assertNoBadAcks, assertPresence, assertStoredExactlyOnce, ackCodes, readyDuring, waitAllReady, waitCrossNode } from "./checks.js";
import { describeChaos, NODE_NAMES, startChaosCluster, type ChaosCluster } from "./cluster.js";
import { populate, type Population } from "./population.js";
import { killNodeScenario } from "./kill.js";

// Pings every 2 s (a third of OFFLINE_AFTER_MS): presence and polling cycles move quickly.
const ENV = { OFFLINE_AFTER_MS: "6000" };
const disconnects = (p: Population, since: number) =>
  p.all.flatMap((d) => d.disconnects.filter((x) => x.at >= since).map((x) => `${d.name}: ${x.reason}`));

describeChaos("chaos: three nodes behind nginx, under traffic", function () {
  this.timeout(90_000);
  let c: ChaosCluster;
  let p: Population;
  before(async function () {
    this.timeout(120_000);
    c = await startChaosCluster(ENV);
    p = await populate(c.nginx.url, NODE_NAMES, { visitors: 24, agents: 3, intervalMs: 250, replyRatio: 0.2 });
  });
  after(async () => {
    p?.close();
    await c?.stop();
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed" && c) console.log(`      nginx error log:\n${c.nginx.errors().slice(-3000)}`);
  });

  interface Fault {
    what: string;
    /** Breaks the dependency; for an instant fault (a cut) also its evidence. */
    start(): void | number;
    holdMs: number;
    end(): Promise<void> | void;
    /** The fault really happened: what the nodes answered meanwhile. */
    evidence(seen: { codes: Record<string, number>; ready: Record<string, number[]>; reset?: number }): void;
  }

  async function underTraffic(f: Fault) {
    const t0 = Date.now();
    await waitCrossNode(p, NODE_NAMES, t0, 10_000); // a healthy start, or the test says so
    const faultAt = Date.now();
    const reset = f.start();
    await sleep(f.holdMs);
    await f.end();
    const upAt = Date.now();
    const readyMs = await waitAllReady(c, upAt);
    const crossMs = await waitCrossNode(p, NODE_NAMES, upAt, 15_000);
    const codes = ackCodes(p.all, faultAt, upAt);
    console.log(`      ${f.what}: recovered in ${Math.max(readyMs, crossMs)} ms (ready ${readyMs} ms, cross-node delivery ${crossMs} ms); ` +
      `answers during the fault: ${JSON.stringify(codes)}`);
    f.evidence({ codes, ready: readyDuring(c, faultAt, upAt), reset: typeof reset === "number" ? reset : undefined });
    assert.ok(crossMs <= 10_000, `cross-node delivery resumed ${crossMs} ms after recovery`);
    assert.deepEqual(disconnects(p, t0), [], "no client lost its connection");
    await assertDelivered(p);
    await assertStoredExactlyOnce(c, p.all);
    assertNoBadAcks(p.all);
    await assertPresence(c.nginx.url, p);
    assert.deepEqual(c.nodes.flatMap((n) => n.exits.map((e) => `${n.name} ${e.how}`)), [], "no node exited");
  }

  const every503 = (ready: Record<string, number[]>) =>
    assert.deepEqual(NODE_NAMES.filter((n) => !ready[n]?.includes(503)), [], `/readyz 503 on every node during the fault: ${JSON.stringify(ready)}`);
  const someUnavailable = (codes: Record<string, number>) => assert.ok((codes.UNAVAILABLE ?? 0) > 0, "sends were answered UNAVAILABLE");
  const keptStoring = (codes: Record<string, number>) => assert.ok((codes.ok ?? 0) > 50, "sends were stored and acked meanwhile");

  // Each node holds three Redis connections (adapter pub and sub, commands) and at least
  // one to PostgreSQL: a cut resets them all at once, so its evidence is their number.
  const faults: (Fault & { title: string })[] = [
    { title: "Redis down for 8 s", what: "redis down 8 s", holdMs: 8000, start: () => c.redis.down(), end: () => c.redis.up(),
      evidence: ({ codes, ready }) => (every503(ready), keptStoring(codes)) },
    { title: "Redis stalled for 5 s", what: "redis stalled 5 s", holdMs: 5000, start: () => c.redis.stall(), end: () => c.redis.up(),
      evidence: ({ codes, ready }) => (every503(ready), keptStoring(codes)) },
    { title: "Redis connections cut", what: "redis cut", holdMs: 0, start: () => c.redis.cut(), end: () => {},
      evidence: ({ reset }) => assert.ok((reset ?? 0) >= 9, `${reset} Redis connections were reset`) },
    { title: "PostgreSQL down for 8 s", what: "postgres down 8 s", holdMs: 8000, start: () => c.pg.down(), end: () => c.pg.up(),
      evidence: ({ codes, ready }) => (every503(ready), someUnavailable(codes)) },
    { title: "PostgreSQL stalled for 5 s", what: "postgres stalled 5 s", holdMs: 5000, start: () => c.pg.stall(), end: () => c.pg.up(),
      evidence: ({ codes, ready }) => (every503(ready), someUnavailable(codes)) },
    { title: "PostgreSQL connections cut", what: "postgres cut", holdMs: 0, start: () => c.pg.cut(), end: () => {},
      evidence: ({ reset }) => assert.ok((reset ?? 0) >= 3, `${reset} PostgreSQL connections were reset`) },
  ];
  for (const f of faults) it(f.title, () => underTraffic(f));

  it("kill -9 of a node: its clients fail over and stay put when it returns", () => killNodeScenario(c, p));
});

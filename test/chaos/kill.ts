// The chaos suite's node crash: kill -9 of one node under traffic. Its clients fail over
// through nginx to the other nodes within seconds and lose no acked message; the others
// notice nothing. After the node is restarted on its port, the clients that failed over
// stay where they are (none is dropped a second time: their session ids name their new
// node, which the recipe routes by), and new clients hashed to it land on it again.
import assert from "node:assert/strict";
import { sleep, until, visitorSession } from "../helpers/clients.js";
import { assertDelivered, assertNoBadAcks, assertPresence, assertStoredExactlyOnce, readyDuring, waitAllReady, waitCrossNode } from "./checks.js";
import { NODE_NAMES, type ChaosCluster, type NodeName } from "./cluster.js";
import { openDevice, whenReady, type Device } from "./devices.js";
import { landsOn, type Population } from "./population.js";

const since = (d: Device, t: number) => d.disconnects.filter((x) => x.at >= t);

export async function killNodeScenario(c: ChaosCluster, p: Population, victim: NodeName = "node1") {
  const survivors = NODE_NAMES.filter((n) => n !== victim);
  const t0 = Date.now();
  await waitCrossNode(p, NODE_NAMES, t0, 10_000);
  const moving = p.all.filter((d) => d.connected && d.node === victim);
  const kinds = new Set(moving.map((d) => `${d.kind}/${d.transport}`));
  assert.deepEqual([...kinds].sort(), ["agent/websocket", "visitor/polling", "visitor/websocket"], `${victim} holds an agent and visitors on both transports`);
  const staying = p.all.filter((d) => !moving.includes(d));

  const killAt = Date.now();
  await c.kill(victim);
  // Failed over: connected elsewhere, and a visitor's sends are acked there.
  const movedOn = (d: Device) => {
    const last = d.connects.at(-1)!;
    return d.connected && d.node !== victim && last.at > killAt && (d.kind === "agent" || d.sent.some((s) => (s.acked?.at ?? 0) > last.at));
  };
  await until(() => moving.every(movedOn), 20_000, `${moving.length} clients of ${victim} served elsewhere`).catch(() => {
    assert.fail(`not failed over: ${moving.filter((d) => !movedOn(d)).map((d) => `${d.name} (${d.transport}) on ${d.node}`)}`);
  });
  const failoverMs = Date.now() - killAt;
  assert.ok(failoverMs <= 10_000, `failover took ${failoverMs} ms`);
  const crossMs = await waitCrossNode(p, survivors, killAt, 10_000);

  const restartAt = Date.now();
  await c.restart(victim);
  const readyMs = await waitAllReady(c, restartAt, 30_000);
  const others = readyDuring(c, killAt, Date.now());
  assert.deepEqual(survivors.map((n) => others[n]), survivors.map(() => [200]), "the surviving nodes stayed ready");
  // nginx skips a failed node for fail_timeout (5 s), then hashes to it again.
  await until(async () => (await landsOn(c.nginx.url, moving[0].address)) === victim, 15_000, `new clients on ${victim} again`);
  const backMs = Date.now() - restartAt;

  // A newcomer on the restarted node is served, live across nodes both ways.
  const s = await visitorSession(c.nginx.url, "Newcomer");
  const newcomer = openDevice({ base: c.nginx.url, kind: "visitor", token: s.token, name: "newcomer", address: moving.find((d) => d.transport === "polling")!.address, transport: "polling", intervalMs: 250 });
  p.visitors.push(newcomer);
  p.all.push(newcomer);
  await whenReady(newcomer);
  assert.equal(newcomer.node, victim, "a new client from a moved client's address lands on the restarted node");
  const newcomerMs = await waitCrossNode(p, NODE_NAMES, Date.now(), 15_000);
  // Long-polling clients send a request at least every ping interval (2 s): by now every
  // one of them has come through nginx several times since the node returned.
  await sleep(4000);
  assert.deepEqual(moving.map((d) => `${d.name} ${since(d, killAt).length}`), moving.map((d) => `${d.name} 1`), "one disconnect (the kill) per moved client, none when the node came back");
  assert.ok(moving.every((d) => d.connected && d.node !== victim), "the moved clients stayed on their new nodes");
  assert.deepEqual(staying.flatMap((d) => since(d, killAt).map((x) => `${d.name}: ${x.reason}`)), [], "nobody else reconnected");
  console.log(`      kill -9 ${victim}: ${moving.length} clients failed over in ${failoverMs} ms (cross-node delivery among the survivors ${crossMs} ms); ` +
    `restarted, ready in ${readyMs} ms, new clients land on it again after ${backMs} ms, a newcomer there is delivered across nodes in ${newcomerMs} ms; ` +
    `no moved client dropped again`);

  await assertDelivered(p);
  await assertStoredExactlyOnce(c, p.all);
  assertNoBadAcks(p.all);
  await assertPresence(c.nginx.url, p);
  assert.deepEqual(c.nodes.flatMap((n) => n.exits.map((e) => `${n.name} ${e.how}`)), [`${victim} SIGKILL`], "no node exited but the one killed");
}

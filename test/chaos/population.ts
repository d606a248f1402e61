// Who takes part in a chaos run or the cluster benchmark: agents and visitors, every one
// connected through nginx from its own loopback address, chosen so that each node gets
// its share of visitors on each transport and of agents (nginx's hash decides; the first
// handshake from an address says where it lands), every visitor with a conversation
// assigned to an agent before the run starts.
import http from "node:http";
import { agentToken, api, createAgent, until } from "../helpers/clients.js";
import { openDevice, whenReady, type Device, type Transport } from "./devices.js";

/** An HTTP request whose connection leaves from `address` (fetch cannot choose one). */
function requestFrom(address: string, url: string, body?: object): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = body ? { "content-type": "application/json" } : {};
    const req = http.request(url, { method: body ? "POST" : "GET", localAddress: address, agent: false, headers }, (res) => {
      let text = "";
      res.on("data", (b) => (text += b));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.setTimeout(5000, () => req.destroy(new Error(`${url} from ${address}: no answer`)));
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/** The node a new client from `address` lands on: the prefix of the session id that a bare
 *  engine.io handshake through the balancer gets. */
export async function landsOn(base: string, address: string): Promise<string> {
  const r = await requestFrom(address, `${base}/socket.io/?EIO=4&transport=polling`);
  const sid = /"sid":"([^"]+)"/.exec(r.text)?.[1];
  if (r.status !== 200 || !sid) throw new Error(`handshake from ${address}: ${r.status} ${r.text}`);
  return sid.split(".")[0];
}

/** POST /api/visitor/session from the visitor's own address, as a real one would (the
 *  per-address limit on new sessions then counts each visitor on its own). */
async function sessionFrom(base: string, address: string, name: string): Promise<string> {
  const r = await requestFrom(address, `${base}/api/visitor/session`, { name });
  if (r.status !== 201) throw new Error(`visitor session from ${address}: ${r.status} ${r.text}`);
  return JSON.parse(r.text).token;
}

/** Addresses 127.0.<block>.<n> whose handshakes land on each node, `want(node)` of them. */
async function addressesFor(base: string, nodes: readonly string[], block: number, want: (node: string) => number) {
  const got = new Map<string, string[]>(nodes.map((n) => [n, []]));
  // Probed 32 at a time, kept in address order.
  for (let n = 1; n < 255 && nodes.some((node) => got.get(node)!.length < want(node)); n += 32) {
    const batch = Array.from({ length: Math.min(32, 255 - n) }, (_, i) => `127.0.${block}.${n + i}`);
    const landed = await Promise.all(batch.map((address) => landsOn(base, address)));
    landed.forEach((node, i) => {
      const list = got.get(node);
      if (list && list.length < want(node)) list.push(batch[i]);
    });
  }
  for (const node of nodes) {
    if (got.get(node)!.length < want(node)) throw new Error(`only ${got.get(node)!.length} addresses of block ${block} land on ${node}`);
  }
  return got;
}

export interface Population {
  visitors: Device[];
  agents: Device[];
  all: Device[];
  /** The seeded admin's bearer token (the console's API). */
  adminToken: string;
  close(): void;
}

export async function populate(base: string, nodes: readonly string[], o: {
  visitors: number; agents: number; intervalMs: number; replyRatio: number;
}): Promise<Population> {
  const admin = await agentToken(base);
  const spread = (total: number) => (node: string) => Math.ceil((total - nodes.indexOf(node)) / nodes.length);
  const agentAddresses = await addressesFor(base, nodes, 1, spread(o.agents));
  const agents: Device[] = [];
  for (const [node, addresses] of agentAddresses) {
    for (const address of addresses) {
      const a = await createAgent(base, admin.token, `Agent ${node} ${address}`, { maxConcurrent: 100 });
      agents.push(openDevice({ base, kind: "agent", token: a.token, name: `a${agents.length}`, address, transport: "websocket", replyRatio: o.replyRatio }));
    }
  }
  await Promise.all(agents.map((a) => whenReady(a)));

  // Half of each node's visitors on WebSocket alone, half on long-polling alone; blocks
  // of 254 addresses, one transport per block, as many blocks as needed.
  const planned: { address: string; transport: Transport; token: string }[] = [];
  const perTransport = Math.ceil(o.visitors / 2);
  for (const [i, transport] of (["websocket", "polling"] as Transport[]).entries()) {
    const perBlock = Math.min(perTransport, 60); // a third of a block lands on each node, roughly
    for (let made = 0, block = 10 + i * 20; made < perTransport; block++) {
      const count = Math.min(perBlock, perTransport - made);
      const addresses = [...(await addressesFor(base, nodes, block, spread(count))).values()].flat();
      const tokens = await Promise.all(addresses.map((address, k) => sessionFrom(base, address, `Visitor ${planned.length + k}`)));
      planned.push(...addresses.map((address, k) => ({ address, transport, token: tokens[k] })));
      made += count;
    }
  }
  // All at once, as after a campaign link: each visitor's first message opens its
  // conversation and gets it assigned, a burst of new conversations on every node.
  const visitors = planned.map(({ address, transport, token }, i) =>
    openDevice({ base, kind: "visitor", token, name: `v${i}`, address, transport, intervalMs: o.intervalMs }));
  await Promise.all(visitors.map((v) => whenReady(v, 30_000)));
  const assigned = (v: Device) => [...v.conversations].some((cid) => agents.some((a) => a.conversations.has(cid)));
  await until(() => visitors.every(assigned), 120_000, "every visitor's conversation assigned to an agent").catch(async (err) => {
    const waiting = await api(base, "GET", "/api/console/conversations?scope=waiting", undefined, admin.token);
    throw new Error(`${err.message}: ${visitors.filter((v) => !assigned(v)).length} not assigned; waiting: ${waiting.text.slice(0, 500)}`);
  });
  const all = [...agents, ...visitors];
  return { visitors, agents, all, adminToken: admin.token, close: () => all.forEach((d) => d.close()) };
}

// A node that dies (PROTOCOL.md section 4: "the sockets of a node that dies count as gone
// cluster-wide within 10 s, so nothing is assigned to an agent who is no longer there").
// Node A runs in this process, node B is the built server as a child process, killed with
// SIGKILL (no goodbye: its liveness in Redis simply stops) or frozen with SIGSTOP. Default
// presence timings (OFFLINE_AFTER_MS 30 s), so silence alone explains nothing seen here.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { agentToken, call, connectAgent, connectVisitor, createAgent, expectOk, sleep, until, visitorSession } from "../helpers/clients.js";
import { describeCluster, sql, startCluster, syncAll, type Cluster } from "./helpers.js";

const GONE_WITHIN_MS = 10_000;

describeCluster("cluster: a node dies", function () {
  this.timeout(90_000);
  let c: Cluster;
  let admin: string;
  beforeEach(async () => {
    c = await startCluster({ bProcess: true });
    admin = (await agentToken(c.a.url)).token;
  });
  afterEach(async () => c?.stop());

  const presence = () => c.a.application.services.presence;
  const available = () => presence().availableAgents();
  const owner = async (cid: string) =>
    (await sql<{ status: string; agent_id: string | null }>(c.store, "SELECT status, agent_id FROM conversation WHERE id = $1", [cid]))[0];

  async function agentOn(url: string, name: string) {
    const x = await createAgent(c.a.url, admin, name);
    return { id: x.agentId, token: x.token, device: await connectAgent(url, x.token), p: { type: "agent" as const, id: x.agentId } };
  }
  /** A visitor on node A opens a chat; `heard` records the agent presence they are told. */
  async function visitorAsks() {
    const v = await visitorSession(c.a.url);
    const device = await connectVisitor(c.a.url, v.token);
    const heard: { id: string; presence: string; at: number }[] = [];
    device.socket.on("presence", (p) => heard.push({ id: p.participant.id, presence: p.presence, at: Date.now() }));
    const sent = expectOk(await call(device.socket, "message:send", { clientMsgId: randomUUID(), type: "text", body: "hello?" }));
    return { device, heard, cid: sent.message.conversationId, at: Date.now() };
  }
  /** A chat that the agent has received (and acked, which reaches Redis within a flush). */
  async function chatSeenBy(agent: Awaited<ReturnType<typeof agentOn>>) {
    const chat = await visitorAsks();
    await until(async () => (await owner(chat.cid)).agent_id === agent.id, 10_000, `chat assigned to ${agent.id}`);
    await until(() => agent.device.received.some((m) => m.conversationId === chat.cid), 5000, "the agent got it");
    await sleep(1000);
    return chat;
  }

  it("an agent whose only socket was on the killed node stops counting within 10 s; a chat that comes then is not theirs", async () => {
    const ghost = await agentOn(c.b.url, "Agent Ghost");
    const first = await chatSeenBy(ghost);
    const live = await agentOn(c.a.url, "Agent Live");
    await until(async () => (await available()).length === 2, 5000, "both agents available");

    const killedAt = Date.now();
    await c.b.kill!();
    const at = { unavailable: 0, noDevice: 0, offline: 0, visitorTold: 0 };
    await until(async () => {
      const t = Date.now() - killedAt;
      if (!at.unavailable && !(await available()).includes(ghost.id)) at.unavailable = t;
      if (!at.noDevice && (await presence().health(ghost.p)).devices.length === 0) at.noDevice = t;
      if (!at.offline && (await presence().presence(ghost.p)) === "offline") at.offline = t;
      if (!at.visitorTold && first.heard.some((h) => h.id === ghost.id && h.presence === "offline")) at.visitorTold = t;
      return Object.values(at).every(Boolean);
    }, GONE_WITHIN_MS + 10_000, "the ghost gone everywhere");
    console.log(`      node killed: ghost unavailable after ${at.unavailable} ms, no device after ${at.noDevice} ms, ` +
      `offline after ${at.offline} ms, their visitor told after ${at.visitorTold} ms`);
    for (const [what, ms] of Object.entries(at)) assert.ok(ms <= GONE_WITHIN_MS, `${what} after ${ms} ms`);

    const second = await visitorAsks();
    await until(async () => (await owner(second.cid)).status === "open", 10_000, "the second chat assigned");
    assert.equal((await owner(second.cid)).agent_id, live.id, "the second chat goes to the live agent");
    // The ghost had seen their chat: it stays theirs until RELEASE_AFTER_MS, as before.
    assert.deepEqual(await owner(first.cid), { status: "open", agent_id: ghost.id });
    [first.device, second.device, live.device].forEach((d) => d.close());
  });

  it("a chat given to the ghost before the death is noticed goes back to the queue, then to a live agent", async () => {
    const ghost = await agentOn(c.b.url, "Agent Ghost");
    await until(async () => (await available()).includes(ghost.id), 5000, "the ghost available");
    const killedAt = Date.now();
    await c.b.kill!();
    // Node B's liveness has not lapsed yet: nobody can know, and the ghost still counts.
    const chat = await visitorAsks();
    await until(async () => (await owner(chat.cid)).status === "open", 5000, "assigned");
    assert.equal((await owner(chat.cid)).agent_id, ghost.id, "assigned to the ghost in the gap");
    const live = await agentOn(c.a.url, "Agent Live");

    await until(async () => (await owner(chat.cid)).agent_id === live.id, GONE_WITHIN_MS + 10_000, "reassigned to the live agent");
    const movedAfter = Date.now() - killedAt;
    console.log(`      chat given to the ghost: with a live agent ${movedAfter} ms after the kill (visitor waited ${Date.now() - chat.at} ms)`);
    assert.ok(movedAfter <= GONE_WITHIN_MS, `reassigned ${movedAfter} ms after the kill`);
    await until(async () => (await syncAll(chat.device.socket)).length === 4, 5000, "system messages");
    const texts = (await syncAll(chat.device.socket)).filter((m) => m.type === "system").map((m) => m.body);
    assert.deepEqual(texts, [
      "Agent Ghost joined the conversation", "Agent Ghost is unavailable; waiting for the next agent", "Agent Live joined the conversation",
    ]);
    await until(() => live.device.received.some((m) => m.conversationId === chat.cid), 5000, "the live agent follows the chat");
    [chat.device, live.device].forEach((d) => d.close());
  });

  it("an agent who reconnects to a surviving node right after the kill keeps their chats and never looks gone", async () => {
    const mover = await agentOn(c.b.url, "Agent Mover");
    const chat = await chatSeenBy(mover);
    const other = await agentOn(c.a.url, "Agent Other"); // where a requeued chat would go

    await c.b.kill!();
    const again = await connectAgent(c.a.url, mover.token); // the load balancer's next node
    assert.ok(again.ready.conversations.some((cv) => cv.id === chat.cid), "the chat is in their `ready`");
    const reapedAt = Date.now();
    await until(async () => {
      const devices = (await presence().health(mover.p)).devices;
      return devices.length === 1 && devices[0].socketId === again.socket.id;
    }, GONE_WITHIN_MS + 10_000, "only the new socket listed");
    assert.ok(Date.now() - reapedAt <= GONE_WITHIN_MS, "the dead socket is gone within 10 s");
    await sleep(1500); // a requeue would have happened by now
    assert.deepEqual(await owner(chat.cid), { status: "open", agent_id: mover.id });
    assert.deepEqual(chat.heard.filter((h) => h.id === mover.id && h.presence !== "online"), [], "never announced gone");
    assert.ok((await available()).includes(mover.id));
    [chat.device, again, other.device].forEach((d) => d.close());
  });

  it("a node frozen for 2 s is not declared dead; one frozen past its liveness is, and comes back with its devices by itself", async () => {
    const frozen = await agentOn(c.b.url, "Agent Frozen");
    const chat = await chatSeenBy(frozen);
    const told = (state: string) => chat.heard.filter((h) => h.id === frozen.id && h.presence === state).length;

    c.b.pause!();
    await sleep(2000);
    c.b.resume!();
    const watchUntil = Date.now() + 8000; // past the time a lapse would have been noticed
    while (Date.now() < watchUntil) {
      assert.ok((await available()).includes(frozen.id), "still available after a 2 s freeze");
      await sleep(200);
    }
    assert.equal(told("offline"), 0, "a 2 s freeze announces nothing");

    const frozenAt = Date.now();
    c.b.pause!();
    await until(async () => !(await available()).includes(frozen.id) && told("offline") === 1, GONE_WITHIN_MS + 5000, "declared dead");
    const declaredAfter = Date.now() - frozenAt;
    assert.ok(declaredAfter <= GONE_WITHIN_MS, `declared dead after ${declaredAfter} ms`);
    await sleep(1000);
    c.b.resume!();
    const resumedAt = Date.now();
    await until(async () => (await available()).includes(frozen.id) && told("online") === 1 &&
      (await presence().health(frozen.p)).devices.length === 1, 5000, "back with its device");
    console.log(`      node frozen: declared dead after ${declaredAfter} ms, its agent back ${Date.now() - resumedAt} ms after it resumed`);
    assert.deepEqual(await owner(chat.cid), { status: "open", agent_id: frozen.id }, "they had seen it: it stays theirs");
    const next = expectOk(await call(chat.device.socket, "message:send", { conversationId: chat.cid, clientMsgId: randomUUID(), type: "text", body: "still there?" }));
    await until(() => frozen.device.received.some((m) => m.id === next.message.id), 5000, "delivered to the agent on B");
    chat.device.close();
  });
});

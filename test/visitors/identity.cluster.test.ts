// Verified identity and visitor context across two nodes on one PostgreSQL and one Redis:
// first sessions for a new userId racing on both nodes make one visitor, its two devices
// on different nodes share one conversation, and a page change of a visitor on one node
// reaches the agent on the other.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import type { VisitorContextPayload } from "../../src/events.js";
import {
  agentToken, api, call, connectAgent, connectVisitor, createAgent, expectOk, until, type Participant, type VisitorSessionBody,
} from "../helpers/clients.js";
import { freshStore, type Store } from "../helpers/server.js";
import { describeCluster, inProcessNode, type InProcessNode } from "../cluster/helpers.js";

const SECRET = "cluster-identity-secret-0123456789";
const hash = (userId: string) => createHmac("sha256", SECRET).update(userId).digest("hex");
const session = (url: string, body: object) => api<VisitorSessionBody>(url, "POST", "/api/visitor/session", body);

describeCluster("verified identity across nodes", function () {
  this.timeout(60_000);
  let store: Store;
  let a: InProcessNode;
  let b: InProcessNode;
  const open: Participant[] = [];
  before(async () => {
    store = await freshStore("postgres");
    a = await inProcessNode(store, { IDENTITY_SECRET: SECRET });
    b = await inProcessNode(store, { IDENTITY_SECRET: SECRET });
  });
  after(async () => {
    open.forEach((p) => p.close());
    await a?.stop();
    await b?.stop();
    await store?.drop();
  });

  it("first sessions racing on two nodes make one visitor", async () => {
    for (let round = 0; round < 10; round++) {
      const id = `multi-node-${round}`;
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => session(i % 2 ? b.url : a.url, { userId: id, userHash: hash(id) })));
      assert.deepEqual(answers.map((r) => r.status), answers.map(() => 201), `round ${round}`);
      assert.equal(new Set(answers.map((r) => r.body.visitorId)).size, 1, `round ${round}`);
    }
  });

  it("two devices on two nodes share the conversation; a page change reaches the agent on the other node", async () => {
    const admin = await agentToken(a.url);
    const mine = await createAgent(a.url, admin.token, "Cluster Agent", { maxConcurrent: 50 });
    const agent = await connectAgent(b.url, mine.token);
    const laptop = await connectVisitor(a.url, (await session(a.url, { userId: "nodes-1", userHash: hash("nodes-1") })).body.token);
    const phone = await connectVisitor(b.url, (await session(b.url, { userId: "nodes-1", userHash: hash("nodes-1") })).body.token);
    open.push(agent, laptop, phone);
    const sent = expectOk(await call(laptop.socket, "message:send", { clientMsgId: "n1", type: "text", body: "from node A" }));
    await until(() => phone.received.some((m) => m.id === sent.message.id), 5000, "the laptop's message on the phone (other node)");
    await until(() => agent.received.some((m) => m.id === sent.message.id), 5000, "assignment");

    const got: VisitorContextPayload[] = [];
    agent.socket.on("visitor:context", (c) => got.push(c));
    expectOk(await call(laptop.socket, "visitor:context", { page: "https://shop.example/basket" }));
    await until(() => got.some((c) => c.pageUrl === "https://shop.example/basket"), 5000, "the context on the agent's node");
    assert.deepEqual(got[0].conversationIds, [sent.message.conversationId]);
  });
});

// Large frames go out deflated over WebSocket (WS_DEFLATE_THRESHOLD_BYTES, 2048 by
// default): visitor and agent still talk both ways with it on, a long `sync` answer is
// smaller on the wire than its JSON, and WS_DEFLATE_THRESHOLD_BYTES=0 negotiates nothing.
import assert from "node:assert/strict";
import type { Socket as TcpSocket } from "node:net";
import { agentToken, call, connectAgent, connectVisitor, until, visitorSession, type ClientSocket } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";

/** The engine's WebSocket (the `ws` package): what it negotiated and its TCP socket. */
const wsOf = (socket: ClientSocket) => (socket.io.engine.transport as unknown as { ws: { extensions: string; _socket: TcpSocket } }).ws;

const MESSAGES = 40;
const body = (i: number) => `Line ${i}: the parcel with order number ${1000 + i} is still not here, could you look it up for me please?`;

async function conversationOf(srv: TestServer) {
  const agent = await connectAgent(srv.url, (await agentToken(srv.url)).token);
  const visitor = await connectVisitor(srv.url, (await visitorSession(srv.url)).token);
  const first = await call(visitor.socket, "message:send", { clientMsgId: "v0", type: "text", body: body(0) });
  assert.ok(first.ok, JSON.stringify(first));
  const conversationId = first.message.conversationId;
  for (let i = 1; i < MESSAGES; i++) {
    const r = await call(visitor.socket, "message:send", { clientMsgId: `v${i}`, type: "text", body: body(i) });
    assert.ok(r.ok, JSON.stringify(r));
  }
  await until(() => agent.received.length >= MESSAGES, 15_000, "the agent receives every message");
  const reply = await call(agent.socket, "message:send", { conversationId, clientMsgId: "a1", type: "text", body: "x".repeat(4000) });
  assert.ok(reply.ok, JSON.stringify(reply));
  await until(() => visitor.received.some((m) => m.id === reply.message.id), 15_000, "the visitor receives the long reply");
  /** The `sync` answer's JSON length and the bytes the agent's TCP socket read for it. */
  const syncBytes = async () => {
    const tcp = wsOf(agent.socket)._socket;
    const before = tcp.bytesRead;
    const res = await call(agent.socket, "sync", { conversationId, afterSeq: 0, limit: 500 });
    assert.ok(res.ok, JSON.stringify(res));
    assert.ok(res.messages.length >= MESSAGES + 1, `${res.messages.length} messages`); // system lines may add some
    await new Promise((r) => setImmediate(r));
    return { json: JSON.stringify(res).length, wire: tcp.bytesRead - before };
  };
  return { agent, visitor, syncBytes, close: () => (agent.close(), visitor.close()) };
}

describe("WebSocket deflate of large frames", function () {
  this.timeout(120_000);

  it("on by default: negotiated, both sides talk, a long sync is smaller on the wire than its JSON", async () => {
    const srv = await startServer();
    try {
      const c = await conversationOf(srv);
      assert.match(wsOf(c.agent.socket).extensions, /permessage-deflate/);
      assert.match(wsOf(c.visitor.socket).extensions, /permessage-deflate/);
      const { json, wire } = await c.syncBytes();
      assert.ok(wire < json / 2, `sync of ${json} B JSON read as ${wire} B`);
      c.close();
    } finally {
      await srv.stop();
    }
  });

  it("WS_DEFLATE_THRESHOLD_BYTES=0: nothing negotiated, the answer goes as it is", async () => {
    const srv = await startServer({ env: { WS_DEFLATE_THRESHOLD_BYTES: "0" } });
    try {
      const c = await conversationOf(srv);
      assert.equal(wsOf(c.agent.socket).extensions, "");
      const { json, wire } = await c.syncBytes();
      assert.ok(wire >= json, `sync of ${json} B JSON read as ${wire} B`);
      c.close();
    } finally {
      await srv.stop();
    }
  });
});

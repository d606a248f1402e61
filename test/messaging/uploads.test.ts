// Uploads: stored, attached to a message, served back; size and type limits; ownership.
import assert from "node:assert/strict";
import { call, connectVisitor, expectOk, visitorSession } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

async function upload(base: string, token: string | null, bytes: Buffer<ArrayBuffer>, name: string, type: string) {
  const form = new FormData();
  form.append("file", new Blob([bytes], { type }), name);
  const res = await fetch(`${base}/api/uploads`, {
    method: "POST",
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

describe("uploads", function () {
  let srv: TestServer;
  before(async () => (srv = await startServer({ env: { UPLOAD_MAX_BYTES: "2048" } })));
  after(async () => srv?.stop());

  it("stores an image, sends it as a message and serves it back", async () => {
    const v = await visitorSession(srv.url);
    const up = await upload(srv.url, v.token, PNG, "dot.png", "image/png");
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const a = up.body.attachment;
    assert.deepEqual(Object.keys(a).sort(), ["id", "mime", "name", "size", "url"]);
    assert.equal(a.size, PNG.length);
    const visitor = await connectVisitor(srv.url, v.token);
    const sent = await call(visitor.socket, "message:send", { clientMsgId: "img", type: "image", body: "dot.png", attachmentId: a.id });
    assert.equal(sent.ok, true, JSON.stringify(sent));
    assert.deepEqual(sent.message.attachment, a);
    const page = expectOk(await call(visitor.socket, "sync", { afterSeq: 0 }));
    assert.deepEqual(page.messages[0].attachment, a);
    const file = await fetch(srv.url + a.url);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get("content-type"), "image/png");
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), PNG);
    visitor.close();
  });

  it("refuses strangers, oversized files, risky types and other people's attachments", async () => {
    assert.equal((await upload(srv.url, null, PNG, "a.png", "image/png")).status, 401);
    const v = await visitorSession(srv.url);
    const big = await upload(srv.url, v.token, Buffer.alloc(4096, 1), "big.txt", "text/plain");
    assert.equal(big.status, 413);
    const svg = await upload(srv.url, v.token, Buffer.from("<svg onload=alert(1)>"), "x.svg", "image/svg+xml");
    assert.equal(svg.status, 415);
    const fake = await upload(srv.url, v.token, Buffer.from("not a png at all"), "x.png", "image/png");
    assert.equal(fake.status, 415, "magic bytes are checked");
    const mine = await upload(srv.url, v.token, PNG, "mine.png", "image/png");
    const other = await visitorSession(srv.url);
    const thief = await connectVisitor(srv.url, other.token);
    const r = await call(thief.socket, "message:send", { clientMsgId: "t", type: "image", body: "x", attachmentId: mine.body.attachment.id });
    assert.equal(r.ok, false);
    assert.equal(r.error.code, "NOT_FOUND");
    thief.close();
  });
});

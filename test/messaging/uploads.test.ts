// Uploads: stored, attached to a message, served back; size and type limits; ownership.
// The type is decided from the bytes (never from the name or the browser's claim), names
// lose executable and HTML extensions, anything but an image or a PDF downloads as
// application/octet-stream, and a download needs a signed, expiring URL (what messages
// carry) or a credential with rights on the conversation.
import assert from "node:assert/strict";
import { crc32 } from "node:zlib";
import request from "supertest";
import { agentToken, call, connectVisitor, createAgent, expectOk, visitorSession } from "../helpers/clients.js";
import { ADMIN, startServer, type TestServer } from "../helpers/server.js";
import { httpLogin } from "../console/helpers.js";

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

/** A ZIP archive (stored, not compressed) holding these files. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const n = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(n.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0); dir.writeUInt16LE(20, 4); dir.writeUInt16LE(20, 6); dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(data.length, 20); dir.writeUInt32LE(data.length, 24); dir.writeUInt16LE(n.length, 28); dir.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    central.push(dir, n);
    offset += 30 + n.length + data.length;
  }
  const size = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(Object.keys(files).length, 8); end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(size, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...central, end]);
}
const CONTENT_TYPES = `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
const DOCX = zip({ "[Content_Types].xml": CONTENT_TYPES, "word/document.xml": "<w:document/>" });
const ZIP = zip({ "notes.txt": "hello" });
const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

async function upload(base: string, token: string | null, bytes: Buffer, name: string, type: string) {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${base}/api/uploads`, {
    method: "POST",
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

describe("uploads", function () {
  this.timeout(60_000);
  let srv: TestServer;
  before(async () => (srv = await startServer({ env: { UPLOAD_MAX_BYTES: "4096" } })));
  after(async () => srv?.stop());

  it("stores an image, sends it as a message and serves it back by its signed URL", async () => {
    const v = await visitorSession(srv.url);
    const up = await upload(srv.url, v.token, PNG, "dot.png", "image/png");
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const a = up.body.attachment;
    assert.deepEqual(Object.keys(a).sort(), ["id", "mime", "name", "size", "url"]);
    assert.equal(a.size, PNG.length);
    assert.match(a.url, new RegExp(`^/uploads/${a.id}\\?exp=\\d+&sig=[\\w-]+$`));
    const visitor = await connectVisitor(srv.url, v.token);
    const sent = await call(visitor.socket, "message:send", { clientMsgId: "img", type: "image", body: "dot.png", attachmentId: a.id });
    assert.equal(sent.ok, true, JSON.stringify(sent));
    assert.deepEqual(sent.message.attachment, a);
    const page = expectOk(await call(visitor.socket, "sync", { afterSeq: 0 }));
    assert.deepEqual(page.messages[0].attachment, a);
    const file = await fetch(srv.url + a.url);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get("content-type"), "image/png");
    assert.match(file.headers.get("content-disposition") ?? "", /^inline/);
    assert.equal(file.headers.get("x-content-type-options"), "nosniff");
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), PNG);
    visitor.close();
  });

  it("refuses strangers, oversized files, risky types and other people's attachments", async () => {
    assert.equal((await upload(srv.url, null, PNG, "a.png", "image/png")).status, 401);
    const v = await visitorSession(srv.url);
    const big = await upload(srv.url, v.token, Buffer.alloc(8192, 1), "big.txt", "text/plain");
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

  it("decides every type from the bytes: text must be UTF-8 without NULs, archives and office files must be what they claim", async () => {
    const { token } = await visitorSession(srv.url);
    const refused: [Buffer, string, string][] = [
      [Buffer.from([0x68, 0x69, 0x00, 0x21]), "nul.txt", "text/plain"],
      [Buffer.from([0x68, 0xff, 0xfe, 0x21]), "latin.txt", "text/plain"],
      [Buffer.from("MZ\x90\x00 this is an exe"), "setup.csv", "text/csv"],
      [Buffer.from("<html><script>alert(1)</script></html>"), "page.zip", "application/zip"],
      [Buffer.from("just words"), "letter.docx", DOCX_MIME],
      [Buffer.from("just words"), "sheet.xls", "application/vnd.ms-excel"],
      [Buffer.from("just words"), "old.doc", "application/msword"],
      [PDF, "fake.png", "image/png"],
    ];
    for (const [bytes, name, type] of refused) {
      const r = await upload(srv.url, token, bytes, name, type);
      assert.equal(r.status, 415, `${name} (${type}) was accepted: ${JSON.stringify(r.body)}`);
    }
    const accepted: [Buffer, string, string, string][] = [
      [Buffer.from("a,b\n1,2\n"), "data.csv", "text/csv", "text/csv"],
      [Buffer.from("héllo ✓\n"), "notes.txt", "text/plain", "text/plain"],
      [ZIP, "bundle.zip", "application/zip", "application/zip"],
      [DOCX, "letter.docx", DOCX_MIME, DOCX_MIME],
      [DOCX, "letter.docx", "application/octet-stream", DOCX_MIME], // the browser did not know: the bytes tell
      [PDF, "invoice.pdf", "application/pdf", "application/pdf"],
    ];
    for (const [bytes, name, type, mime] of accepted) {
      const r = await upload(srv.url, token, bytes, name, type);
      assert.equal(r.status, 201, `${name} (${type}): ${JSON.stringify(r.body)}`);
      assert.equal(r.body.attachment.mime, mime, name);
    }
  });

  it("cleans names: no executable or HTML extension survives", async () => {
    const { token } = await visitorSession(srv.url);
    const cases: [Buffer, string, string, string][] = [
      [Buffer.from("<h1>hi</h1>"), "page.html", "text/plain", "page_html.txt"],
      [Buffer.from("<h1>hi</h1>"), "page.HTM", "text/html", "page_HTM.txt"],
      [ZIP, "setup.exe", "application/zip", "setup_exe.zip"],
      [ZIP, "invoice.pdf.exe.zip", "application/zip", "invoice.pdf_exe.zip"],
      [PNG, "..\\..\\evil<name>.svg.png", "image/png", "evil_name__svg.png"],
      [Buffer.from("plain"), "README", "text/plain", "README.txt"],
      [PNG, "photo.PNG", "image/png", "photo.PNG"],
    ];
    for (const [bytes, name, type, want] of cases) {
      const r = await upload(srv.url, token, bytes, name, type);
      assert.equal(r.status, 201, `${name}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.attachment.name, want, name);
    }
  });

  it("serves everything but images and PDFs as an application/octet-stream download", async () => {
    const { token } = await visitorSession(srv.url);
    const text = (await upload(srv.url, token, Buffer.from("<script>alert(1)</script>"), "x.txt", "text/plain")).body.attachment;
    const res = await fetch(srv.url + text.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/octet-stream");
    assert.match(res.headers.get("content-disposition") ?? "", /^attachment; filename\*=UTF-8''x\.txt$/);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.match(res.headers.get("content-security-policy") ?? "", /sandbox/);
    const pdf = (await upload(srv.url, token, PDF, "a.pdf", "application/pdf")).body.attachment;
    const p = await fetch(srv.url + pdf.url);
    assert.equal(p.headers.get("content-type"), "application/pdf");
    assert.match(p.headers.get("content-disposition") ?? "", /^attachment/);
  });

  it("asks a download for a signed, unexpired URL or a credential with rights on the conversation", async () => {
    const v = await visitorSession(srv.url, "Owner");
    const visitor = await connectVisitor(srv.url, v.token);
    const a = (await upload(srv.url, v.token, PNG, "p.png", "image/png")).body.attachment;
    const sent = expectOk(await call(visitor.socket, "message:send", { clientMsgId: "p", type: "image", body: "p.png", attachmentId: a.id }));
    const bare = `/uploads/${a.id}`;
    const get = (path: string, headers: Record<string, string> = {}) => fetch(srv.url + path, { headers }).then((r) => r.status);

    assert.equal(await get(bare), 401, "no credential, no signature");
    const u = new URL(srv.url + a.url);
    const sig = u.searchParams.get("sig")!;
    const exp = Number(u.searchParams.get("exp"));
    assert.ok(exp * 1000 > Date.now() + 6 * 24 * 3600_000, "the link lasts about a week");
    const tampered = sig.slice(0, -2) + (sig.endsWith("AA") ? "BB" : "AA");
    assert.equal(await get(`${bare}?exp=${exp}&sig=${tampered}`), 403, "a wrong signature");
    assert.equal(await get(`${bare}?exp=${exp + 3600}&sig=${sig}`), 403, "a longer life than signed");
    const expired = srv.application.services.uploadLinks.url(a.id, Date.now() - 8 * 24 * 3600_000);
    assert.equal(await get(expired), 403, "an expired link");
    const otherFile = (await upload(srv.url, v.token, PNG, "q.png", "image/png")).body.attachment;
    assert.equal(await get(`${bare}?${new URL(srv.url + otherFile.url).searchParams}`), 403, "another file's signature");

    // Credentials: the visitor who owns it; the admin; an agent only with rights on the conversation.
    assert.equal(await get(bare, { authorization: `Bearer ${v.token}` }), 200);
    const stranger = await visitorSession(srv.url, "Stranger");
    assert.equal(await get(bare, { authorization: `Bearer ${stranger.token}` }), 404);
    const admin = await agentToken(srv.url);
    assert.equal(await get(bare, { authorization: `Bearer ${admin.token}` }), 200);
    const conv = await srv.application.services.repos.conversations.byId(sent.message.conversationId);
    const other = await createAgent(srv.url, admin.token, "Otto Other");
    await srv.application.services.db.prisma.conversation.update({ where: { id: conv!.id }, data: { status: "open", agentId: admin.agentId } });
    assert.equal(await get(bare, { authorization: `Bearer ${other.token}` }), 403, "an agent not on the conversation");
    assert.equal(await get(bare, { authorization: "Bearer nonsense" }), 401);
    // The console's cookie session (the agent page) counts as the agent's credential.
    const web = await httpLogin(srv.url, ADMIN.email, ADMIN.password);
    assert.equal((await web.agent.get(bare)).status, 200);
    assert.equal((await request(srv.url).get(bare)).status, 401);
    visitor.close();
  });

  it("the admin transcript and its export link attachments by signed URLs", async () => {
    const v = await visitorSession(srv.url, "Transcript");
    const visitor = await connectVisitor(srv.url, v.token);
    const a = (await upload(srv.url, v.token, PNG, "t.png", "image/png")).body.attachment;
    const sent = expectOk(await call(visitor.socket, "message:send", { clientMsgId: "t", type: "image", body: "t.png", attachmentId: a.id }));
    const web = await httpLogin(srv.url, ADMIN.email, ADMIN.password);
    const page = await web.agent.get(`/admin/conversations/${sent.message.conversationId}`);
    assert.equal(page.status, 200);
    const src = /<img class="tm__img" src="([^"]+)"/.exec(page.text)?.[1].replace(/&amp;/g, "&");
    assert.match(src ?? "", new RegExp(`^/uploads/${a.id}\\?exp=\\d+&sig=`));
    assert.equal((await fetch(srv.url + src)).status, 200, "the page's image loads without a cookie");
    const txt = await web.agent.get(`/admin/conversations/${sent.message.conversationId}/export.txt`);
    const link = new RegExp(`\\[t\\.png: (http://[^\\]]+)\\]`).exec(txt.text)?.[1];
    assert.ok(link, txt.text);
    assert.equal((await fetch(link)).status, 200, "the exported link works on its own");
    visitor.close();
  });
});

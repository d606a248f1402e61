// The pure write-path rule: per-conversation gapless seqs, idempotency by (sender, clientMsgId),
// and the refusals a sender's ack carries (PROTOCOL.md section 3). No server, no database.
import assert from "node:assert/strict";
import {
  planBatch, sendKey, StaleConversation,
  type AttachmentInfo, type Decision, type LockedConversation, type SendRequest,
} from "../../src/conversations/seq.js";
import { AppError } from "../../src/lib/errors.js";

const visitor = (id = "v1"): SendRequest["sender"] => ({ type: "visitor", id, name: "Visitor" });
const agent = (id = "a1", admin?: boolean): SendRequest["sender"] =>
  admin === undefined ? { type: "agent", id, name: "Agent" } : { type: "agent", id, name: "Agent", admin };
const system: SendRequest["sender"] = { type: "system", id: "system", name: "System" };

let n = 0;
/** A text send; a fresh clientMsgId unless one is given. */
const send = (conversationId: string, sender: SendRequest["sender"], s: Partial<SendRequest> = {}): SendRequest => ({
  conversationId, sender, clientMsgId: `m${++n}`, type: "text", body: "hello", ...s,
});
const conv = (id: string, s: Partial<LockedConversation> = {}): LockedConversation => ({
  id, visitorId: "v1", agentId: "a1", status: "open", lastSeq: 0, ...s,
});
const convs = (...cs: LockedConversation[]) => new Map(cs.map((c) => [c.id, c]));
const seqs = (ds: Decision[]) => ds.map((d) => (d.kind === "new" ? d.seq : d.kind));

function refusal(d: Decision): AppError {
  assert.equal(d.kind, "refused", `expected a refusal, got ${JSON.stringify(d)}`);
  if (d.kind !== "refused") throw new Error("unreachable");
  assert.ok(d.error instanceof AppError, "a refusal carries an AppError");
  return d.error;
}

describe("seq.planBatch", () => {
  it("gives gapless seqs continuing from the conversation's lastSeq", () => {
    const { decisions, lastSeq } = planBatch(
      [send("c1", visitor()), send("c1", agent()), send("c1", visitor())],
      convs(conv("c1", { lastSeq: 41 })),
      new Set(),
    );
    assert.deepEqual(decisions, [{ kind: "new", seq: 42 }, { kind: "new", seq: 43 }, { kind: "new", seq: 44 }]);
    assert.deepEqual([...lastSeq], [["c1", 44]]);
  });

  it("a fresh conversation starts at seq 1", () => {
    const { decisions } = planBatch([send("c1", visitor())], convs(conv("c1")), new Set());
    assert.deepEqual(decisions, [{ kind: "new", seq: 1 }]);
  });

  it("counts each conversation on its own in one batch", () => {
    const cs = convs(conv("c1", { lastSeq: 10 }), conv("c2", { lastSeq: 0, visitorId: "v2", agentId: "a2" }));
    const { decisions, lastSeq } = planBatch(
      [send("c1", visitor()), send("c2", visitor("v2")), send("c1", agent()), send("c2", agent("a2")), send("c2", system)],
      cs,
      new Set(),
    );
    assert.deepEqual(seqs(decisions), [11, 1, 12, 2, 3]);
    assert.deepEqual(new Map(lastSeq), new Map([["c1", 12], ["c2", 3]]));
  });

  it("does not modify the locked conversations it is given", () => {
    const cs = convs(conv("c1", { lastSeq: 5 }));
    planBatch([send("c1", visitor()), send("c1", visitor())], cs, new Set());
    assert.equal(cs.get("c1")!.lastSeq, 5);
  });

  it("lastSeq holds only conversations that got a new message", () => {
    const dup = send("c2", visitor("v2"));
    const { lastSeq } = planBatch(
      [send("c1", visitor("intruder")), dup, send("missing", visitor())],
      convs(conv("c1"), conv("c2", { visitorId: "v2" })),
      new Set([sendKey(dup)]),
    );
    assert.equal(lastSeq.size, 0);
    const empty = planBatch([], convs(conv("c1")), new Set());
    assert.deepEqual(empty.decisions, []);
    assert.equal(empty.lastSeq.size, 0);
  });

  it("a send already stored is duplicate-stored (with its key) and takes no seq", () => {
    const old = send("c1", visitor(), { clientMsgId: "retry-1" });
    const { decisions, lastSeq } = planBatch(
      [send("c1", visitor()), old, send("c1", visitor())],
      convs(conv("c1", { lastSeq: 7 })),
      new Set([sendKey(old)]),
    );
    assert.deepEqual(decisions, [
      { kind: "new", seq: 8 },
      { kind: "duplicate-stored", key: sendKey(old) },
      { kind: "new", seq: 9 },
    ]);
    assert.equal(lastSeq.get("c1"), 9);
  });

  it("a duplicate inside the batch points at the first index and takes no seq", () => {
    const first = send("c1", visitor(), { clientMsgId: "same" });
    const { decisions, lastSeq } = planBatch(
      [send("c1", agent()), first, { ...first, body: "again" }, send("c1", agent()), { ...first }],
      convs(conv("c1", { lastSeq: 2 })),
      new Set(),
    );
    assert.deepEqual(decisions, [
      { kind: "new", seq: 3 },
      { kind: "new", seq: 4 },
      { kind: "duplicate-in-batch", index: 1 },
      { kind: "new", seq: 5 },
      { kind: "duplicate-in-batch", index: 1 },
    ]);
    assert.equal(lastSeq.get("c1"), 5);
  });

  it("the same clientMsgId from two different senders is not a duplicate", () => {
    const id = { clientMsgId: "shared" };
    const cs = convs(conv("c1"), conv("c2", { visitorId: "v2" }));
    const { decisions } = planBatch(
      [send("c1", visitor(), id), send("c1", agent(), id), send("c2", visitor("v2"), id), send("c1", system, id)],
      cs,
      new Set([sendKey({ sender: agent("a9"), clientMsgId: "shared" })]),
    );
    assert.deepEqual(seqs(decisions), [1, 2, 1, 3]);
    // Same id, different kind of sender.
    const same = planBatch(
      [send("c3", visitor("u"), id), send("c3", agent("u"), id)],
      convs(conv("c3", { visitorId: "u", agentId: "u" })),
      new Set(),
    );
    assert.deepEqual(seqs(same.decisions), [1, 2]);
  });

  it("refuses a missing conversation with NOT_FOUND, taking no seq and not shifting later seqs", () => {
    const { decisions, lastSeq } = planBatch(
      [send("c1", visitor()), send("nope", visitor()), send("c1", visitor())],
      convs(conv("c1", { lastSeq: 3 })),
      new Set(),
    );
    assert.equal(refusal(decisions[1]).code, "NOT_FOUND");
    assert.deepEqual(seqs(decisions), [4, "refused", 5]);
    assert.equal(lastSeq.get("c1"), 5);
    assert.equal(refusal(planBatch([send("nope", system)], convs(), new Set()).decisions[0]).code, "NOT_FOUND");
  });

  it("a visitor writing to another visitor's conversation gets NOT_FOUND (not FORBIDDEN: no existence leak)", () => {
    const { decisions } = planBatch(
      [send("c1", visitor("v2")), send("c1", visitor("v1"))],
      convs(conv("c1", { visitorId: "v1" })),
      new Set(),
    );
    const err = refusal(decisions[0]);
    assert.equal(err.code, "NOT_FOUND");
    assert.ok(!(err instanceof StaleConversation));
    assert.deepEqual(seqs(decisions), ["refused", 1]);
  });

  it("a visitor whose conversation was resolved gets StaleConversation (a CONFLICT AppError)", () => {
    const { decisions, lastSeq } = planBatch(
      [send("c1", visitor()), send("c2", visitor())],
      convs(conv("c1", { status: "resolved", lastSeq: 9 }), conv("c2", { status: "waiting", agentId: null })),
      new Set(),
    );
    const err = refusal(decisions[0]);
    assert.ok(err instanceof StaleConversation);
    assert.equal(err.code, "CONFLICT");
    assert.equal(err.status, 409);
    assert.deepEqual(decisions[1], { kind: "new", seq: 1 }); // a waiting conversation is written to
    assert.equal(lastSeq.has("c1"), false);
  });

  it("another visitor's resolved conversation is still NOT_FOUND, not stale", () => {
    const { decisions } = planBatch([send("c1", visitor("v2"))], convs(conv("c1", { status: "resolved" })), new Set());
    const err = refusal(decisions[0]);
    assert.equal(err.code, "NOT_FOUND");
    assert.ok(!(err instanceof StaleConversation));
  });

  it("an agent not assigned to the conversation gets FORBIDDEN unless admin", () => {
    const cs = convs(conv("c1", { agentId: "a1", lastSeq: 1 }), conv("c2", { agentId: null }));
    const { decisions } = planBatch(
      [send("c1", agent("a2")), send("c1", agent("a2", false)), send("c2", agent("a1")), send("c1", agent("a2", true)),
        send("c2", agent("a3", true)), send("c1", agent("a1"))],
      cs,
      new Set(),
    );
    assert.equal(refusal(decisions[0]).code, "FORBIDDEN");
    assert.equal(refusal(decisions[0]).status, 403);
    assert.equal(refusal(decisions[1]).code, "FORBIDDEN");
    assert.equal(refusal(decisions[2]).code, "FORBIDDEN"); // an unassigned conversation is nobody's
    assert.deepEqual(seqs(decisions), ["refused", "refused", "refused", 2, 1, 3]);
  });

  it("an agent writing to a resolved conversation gets CONFLICT (admin too), not StaleConversation", () => {
    const cs = convs(conv("c1", { status: "resolved", lastSeq: 4 }));
    const { decisions, lastSeq } = planBatch([send("c1", agent("a1")), send("c1", agent("a7", true))], cs, new Set());
    for (const d of decisions) {
      const err = refusal(d);
      assert.equal(err.code, "CONFLICT");
      assert.ok(!(err instanceof StaleConversation));
    }
    assert.equal(lastSeq.size, 0);
    // Not assigned and resolved: FORBIDDEN comes first.
    assert.equal(refusal(planBatch([send("c1", agent("a2"))], cs, new Set()).decisions[0]).code, "FORBIDDEN");
  });

  it("the system sender writes to any existing conversation, resolved ones included", () => {
    const cs = convs(conv("c1", { status: "resolved", lastSeq: 6, agentId: null }), conv("c2", { status: "waiting" }));
    const { decisions, lastSeq } = planBatch(
      [send("c1", system, { type: "system" }), send("c2", system, { type: "system" }), send("c1", system, { type: "system" })],
      cs,
      new Set(),
    );
    assert.deepEqual(seqs(decisions), [7, 1, 8]);
    assert.deepEqual(new Map(lastSeq), new Map([["c1", 8], ["c2", 1]]));
  });

  it("an attachment must exist and belong to the sender, else NOT_FOUND", () => {
    const atts = new Map<string, AttachmentInfo>([
      ["att-v1", { ownerType: "visitor", ownerId: "v1" }],
      ["att-v2", { ownerType: "visitor", ownerId: "v2" }],
      ["att-a1", { ownerType: "agent", ownerId: "a1" }],
      ["att-x", { ownerType: "agent", ownerId: "v1" }], // same id, other kind of owner
    ]);
    const img = (attachmentId: string) => ({ type: "image", attachmentId });
    const { decisions, lastSeq } = planBatch(
      [
        send("c1", visitor(), img("att-v1")),
        send("c1", visitor(), img("missing")),
        send("c1", visitor(), img("att-v2")),
        send("c1", visitor(), img("att-a1")),
        send("c1", visitor(), img("att-x")),
        send("c1", agent("a1"), img("att-a1")),
        send("c1", agent("a1"), img("att-v1")),
        send("c1", agent("a9", true), img("att-a1")), // admin rights do not lend attachments
        send("c1", visitor(), { attachmentId: "" }), // no attachment at all
      ],
      convs(conv("c1")),
      new Set(),
      atts,
    );
    assert.deepEqual(seqs(decisions), [1, "refused", "refused", "refused", "refused", 2, "refused", "refused", 3]);
    for (const i of [1, 2, 3, 4, 6, 7]) {
      const err = refusal(decisions[i]);
      assert.equal(err.code, "NOT_FOUND");
      assert.match(err.message, /attachment/);
    }
    assert.equal(lastSeq.get("c1"), 3);
    // Without an attachments map every attachment is unknown.
    assert.equal(refusal(planBatch([send("c1", visitor(), img("att-v1"))], convs(conv("c1")), new Set()).decisions[0]).code, "NOT_FOUND");
  });

  it("a refused send does not count as the first of its key: a retry in the same batch is judged again", () => {
    const bad = send("c1", visitor(), { clientMsgId: "k", attachmentId: "missing" });
    const good = { ...bad, attachmentId: undefined };
    const { decisions } = planBatch([bad, good, { ...good }], convs(conv("c1")), new Set());
    assert.equal(refusal(decisions[0]).code, "NOT_FOUND");
    assert.deepEqual(decisions.slice(1), [{ kind: "new", seq: 1 }, { kind: "duplicate-in-batch", index: 1 }]);
  });

  it("a stored duplicate is recognised before any refusal (the retry is answered with the stored message)", () => {
    const old = send("c1", visitor(), { clientMsgId: "r" });
    const { decisions } = planBatch([old], convs(conv("c1", { status: "resolved" })), new Set([sendKey(old)]));
    assert.deepEqual(decisions, [{ kind: "duplicate-stored", key: sendKey(old) }]);
  });
});

describe("seq.sendKey", () => {
  it("depends on sender type, sender id and clientMsgId only", () => {
    const k = sendKey({ sender: visitor("v1"), clientMsgId: "x" });
    assert.equal(sendKey({ sender: { ...visitor("v1"), name: "Other name" }, clientMsgId: "x" }), k);
    assert.equal(sendKey(send("c9", visitor("v1"), { clientMsgId: "x", body: "other" })), k);
    assert.notEqual(sendKey({ sender: visitor("v2"), clientMsgId: "x" }), k);
    assert.notEqual(sendKey({ sender: { type: "agent", id: "v1", name: "Visitor" }, clientMsgId: "x" }), k);
    assert.notEqual(sendKey({ sender: visitor("v1"), clientMsgId: "y" }), k);
  });
  it("keeps the parts apart: ids that run together do not collide", () => {
    // "v1" + "2x" and "v12" + "x" must not collide.
    assert.notEqual(sendKey({ sender: visitor("v1"), clientMsgId: "2x" }), sendKey({ sender: visitor("v12"), clientMsgId: "x" }));
  });
});

// The group commit's pacing (conversations/message-writer.ts): a lone send on an idle
// server is written at once; while sends keep coming, a batch starts at most every
// `paceMs`, so batches carry more sends (the cost of a transaction is mostly per batch).
// A repository stand-in that takes 1 ms per batch and records each batch's size.
import assert from "node:assert/strict";
import { createMessageWriter } from "../../src/conversations/message-writer.js";
import type { MessagesRepository } from "../../src/conversations/messages.repository.js";
import type { SendRequest } from "../../src/conversations/seq.js";
import type { AppError } from "../../src/lib/errors.js";
import { createLogger } from "../../src/lib/logger.js";
import { sleep } from "../helpers/clients.js";

function recordingRepo() {
  const batches: { size: number; at: number }[] = [];
  const repo = {
    async writeBatch(reqs: SendRequest[]) {
      batches.push({ size: reqs.length, at: performance.now() });
      await sleep(1);
      return reqs.map((r, i) => ({ ok: true as const, duplicate: false, message: { id: `${batches.length}-${i}`, seq: i + 1, clientMsgId: r.clientMsgId } }));
    },
  } as unknown as MessagesRepository;
  return { repo, batches };
}
const req = (n: number): SendRequest => ({ conversationId: "c1", sender: { type: "visitor", id: `v${n % 50}`, name: "V" }, clientMsgId: `m${n}`, type: "text", body: "hi" });
const writer = (repo: MessagesRepository, paceMs: number, maxPaceMs?: number) =>
  createMessageWriter(repo, createLogger("silent"), { concurrency: 4, maxBatch: 200, maxQueue: 10_000, maxQueuedPerSender: 200, paceMs, maxPaceMs });

/** `count` sends, one every 0.25 ms (about 4,000 a second), each awaited at the end. */
async function steadyStream(w: ReturnType<typeof writer>, count = 200) {
  const sends: Promise<unknown>[] = [];
  const t0 = performance.now();
  for (let n = 0; n < count; n++) {
    while (performance.now() - t0 < n * 0.25) await new Promise((r) => setImmediate(r));
    sends.push(w.write(req(n)));
  }
  await Promise.all(sends);
}

describe("message writer pacing", () => {
  it("writes a lone send at once, with no timer on its way", async () => {
    const { repo, batches } = recordingRepo();
    const w = writer(repo, 20);
    const t0 = performance.now();
    await w.write(req(1));
    assert.equal(batches.length, 1);
    assert.ok(batches[0].at - t0 < 10, `the lone send waited ${(batches[0].at - t0).toFixed(1)} ms`);
  });

  it("while sends keep coming, starts a batch at most every paceMs, so batches carry more", async () => {
    const unpaced = recordingRepo();
    await steadyStream(writer(unpaced.repo, 0));
    const paced = recordingRepo();
    await steadyStream(writer(paced.repo, 5));
    const gaps = paced.batches.slice(1).map((b, i) => b.at - paced.batches[i].at);
    // Timers may fire late, never early (1 ms of slack for their resolution).
    assert.ok(gaps.every((g) => g >= 4), `gaps between paced batches: ${gaps.map((g) => g.toFixed(1)).join(", ")} ms`);
    assert.ok(paced.batches.length * 2 <= unpaced.batches.length, `paced ${paced.batches.length} batches, unpaced ${unpaced.batches.length}`);
    assert.equal(paced.batches.reduce((n, b) => n + b.size, 0), 200, "every send written once");
  });

  it("under a heavy load grows the pace up to maxPaceMs, and starts from the least again after a pause", async () => {
    const { repo, batches } = recordingRepo();
    const w = writer(repo, 2, 16);
    await steadyStream(w, 2000); // half a second at about 4,000 a second
    const gaps = batches.slice(1).map((b, i) => b.at - batches[i].at);
    const late = gaps.slice(-10);
    assert.ok(late.every((g) => g >= 15), `the last gaps, at the heavy load: ${late.map((g) => g.toFixed(1)).join(", ")} ms`);
    assert.ok(w.paceMs() >= 15, `pace ${w.paceMs()} ms`);
    assert.equal(batches.reduce((n, b) => n + b.size, 0), 2000, "every send written once");
    await sleep(1500); // quiet
    const t0 = performance.now();
    let t1 = 0;
    await Promise.all([w.write(req(9001)), sleep(2).then(() => ((t1 = performance.now()), w.write(req(9002))))]);
    const [a, b] = batches.slice(-2);
    assert.ok(a.at - t0 < 10, `the lone send after the pause waited ${(a.at - t0).toFixed(1)} ms`);
    // At the heavy load's pace (16 ms after the first's batch) this one would wait about 14 ms.
    assert.ok(b.at - t1 < 9, `the next send, ${(t1 - a.at).toFixed(1)} ms after it, waited ${(b.at - t1).toFixed(1)} ms: still paced as under the heavy load`);
  });
});

describe("message writer, one batch per conversation at a time", () => {
  it("holds a conversation's later sends until its batch in flight is written; other conversations go at once", async () => {
    const log: string[] = [];
    const repo = {
      async writeBatch(reqs: SendRequest[]) {
        const names = reqs.map((r) => r.clientMsgId).join("+");
        log.push(`start ${names}`);
        await sleep(30);
        log.push(`end ${names}`);
        return reqs.map((r, i) => ({ ok: true as const, duplicate: false, message: { id: `${names}-${i}`, seq: i + 1, clientMsgId: r.clientMsgId } }));
      },
    } as unknown as MessagesRepository;
    const w = writer(repo, 0);
    const send = (conversationId: string, clientMsgId: string) =>
      w.write({ conversationId, sender: { type: "visitor", id: conversationId, name: "V" }, clientMsgId, type: "text", body: "hi" });
    const first = send("c1", "a1");
    await sleep(5); // a1's batch is in flight
    const later = [send("c1", "a2"), send("c2", "b1"), send("c1", "a3")];
    await Promise.all([first, ...later]);
    const at = (e: string) => log.indexOf(e);
    assert.ok(at("start b1") >= 0 && at("start b1") < at("end a1"), `another conversation waited: ${log.join(", ")}`);
    assert.ok(at("start a2+a3") > at("end a1"), `c1's later sends raced its batch in flight: ${log.join(", ")}`);
    assert.equal(log.length, 6, log.join(", "));
  });
});

describe("message writer under overload", () => {
  it("refuses RATE_LIMITED with retryAfterMs a send that would wait more than maxWaitMs behind the batches queued; takes sends again once drained", async () => {
    const written: string[] = [];
    const repo = {
      async writeBatch(reqs: SendRequest[]) {
        await sleep(200); // a database slower than the sends come
        written.push(...reqs.map((r) => r.clientMsgId));
        return reqs.map((r, i) => ({ ok: true as const, duplicate: false, message: { id: r.clientMsgId, seq: i + 1, clientMsgId: r.clientMsgId } }));
      },
    } as unknown as MessagesRepository;
    const w = createMessageWriter(repo, createLogger("silent"), { concurrency: 1, maxBatch: 2, maxQueue: 10_000, maxQueuedPerSender: 200, paceMs: 0, maxWaitMs: 300 });
    const send = (n: number) => w.write({ ...req(n), conversationId: `c${n}` });
    await send(0); // one batch written: 200 ms a batch
    const first = send(1); // in flight
    await sleep(5);
    // One batch's worth is always taken, however slow the batches.
    const taken = [send(2), send(3)];
    // A third queued would wait for the batch in flight and the one ahead of it: 400 ms.
    const refused = await send(4).then(() => null, (e: AppError) => e);
    assert.ok(refused, "a send that would wait 400 ms was taken");
    assert.equal(refused.code, "RATE_LIMITED");
    assert.ok(refused.retryAfterMs! >= 1000 && refused.retryAfterMs! <= 2000, `retryAfterMs ${refused.retryAfterMs}`);
    assert.equal(w.stats.refusedBusy, 1);
    await Promise.all([first, ...taken]);
    await send(5); // drained: taken again
    assert.deepEqual(written, ["m0", "m1", "m2", "m3", "m5"]);
    assert.equal(w.senders(), 0, "nothing left counted for the refused sender");
  });
});

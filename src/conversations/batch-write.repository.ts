// Stores a batch of sends: the rules of seq.ts over what the database holds, then one
// statement that writes the new rows and advances every conversation's last_seq.
//
// Optimistic first: one read (a snapshot, no lock), the rules, then the write, which
// takes each conversation only if it is still as read (batch-write.sql.ts). Two round
// trips and no transaction held open between them. The locked transaction it replaced
// took five or six (BEGIN, lock, duplicates, attachments, write, COMMIT); on the embedded
// database, whose thread serves one transaction at a time, every one of them waited for
// a turn of the busy main thread while every other query waited for the transaction.
// The sends of a conversation that another writer changed between the read and the
// write (another node, a resolve, a claim) are stored again the old way: in a
// transaction that locks their conversations first (FOR UPDATE, in id order), where
// the same statement cannot miss.
// On a node alone on its database, the read is skipped when every conversation of the
// batch is in the cache of states its last writes returned (batch-write.cache.ts): one
// round trip. A batch the cached states would refuse, or with an attachment, reads as
// above; a conversation the cached write missed (stale state, a stored retry) is
// forgotten and written again as above.
import type { Database, TxQuery } from "../lib/db.js";
import { createStateCache } from "./batch-write.cache.js";
import { ATTACHMENTS_SQL, DUPLICATES_SQL, LOCK_SQL, SNAPSHOT_SQL, writeSql } from "./batch-write.sql.js";
import { planWrite, type ConversationRow, type SendOutcome, type Snapshot } from "./batch-write.plan.js";
import { toMessage, type AttachmentUrl, type MessageRow } from "./messages.mapper.js";
import { sendKey, type SendRequest } from "./seq.js";

type AttachmentRow = { id: string; owner_type: string; owner_id: string; name: string; size: number; mime: string };
const rowKey = (r: MessageRow) => `${r.sender_type}\u0000${r.sender_id}\u0000${r.client_msg_id}`;

/** The webhooks' side of the write path (src/webhooks/subscriptions.ts): whether an active
 *  webhook wants message.created (a cached answer: no query per batch), and a nudge to
 *  this node's delivery worker once such events are committed. */
export interface MessageEvents {
  wanted(): boolean;
  queued(): void;
}

/** `alone`: no other node writes to this database (no Redis): the conversation states
 *  this node's writes return may be remembered. */
export function createBatchWriter(db: Database, attachmentUrl: AttachmentUrl, events?: MessageEvents, o: { alone?: boolean } = {}) {
  /** cached: batches written in one round trip from remembered states; optimistic: in two
   *  (a snapshot read, then the write); relocked: batches in which some conversation
   *  changed between the read and the write and went through the lock; cacheMissed:
   *  cached writes that missed a conversation (stale, or a stored retry). */
  const stats = { cached: 0, optimistic: 0, relocked: 0, cacheMissed: 0 };
  const states = o.alone ? createStateCache() : null;

  function keyParams(reqs: SendRequest[]) {
    const keys = [...new Map(reqs.map((r) => [sendKey(r), r])).values()];
    return [keys.map((r) => r.sender.type), keys.map((r) => r.sender.id), keys.map((r) => r.clientMsgId)];
  }
  const withEvents = () => events?.wanted() ?? false;
  const conversationIds = (reqs: SendRequest[]) => [...new Set(reqs.map((r) => r.conversationId))].sort();
  const attachmentIds = (reqs: SendRequest[]) => [...new Set(reqs.flatMap((r) => (r.attachmentId ? [r.attachmentId] : [])))];

  function snapshot(convs: ConversationRow[], dups: MessageRow[], atts: AttachmentRow[]): Snapshot {
    return {
      convs,
      stored: new Map(dups.map((r) => [rowKey(r), toMessage(r, attachmentUrl)])),
      atts: new Map(atts.map((r) => [r.id, { ownerType: r.owner_type, ownerId: r.owner_id, name: r.name, size: r.size, mime: r.mime }])),
    };
  }

  async function readLocked(q: TxQuery, reqs: SendRequest[]): Promise<Snapshot> {
    const convs = await q<ConversationRow>(LOCK_SQL, [conversationIds(reqs)]);
    const dups = await q<MessageRow>(DUPLICATES_SQL, keyParams(reqs));
    const ids = attachmentIds(reqs);
    const atts = ids.length ? await q<AttachmentRow>(ATTACHMENTS_SQL, [ids]) : [];
    return snapshot(convs, dups, atts);
  }

  /** Writes what the rules decided; answers the conversations the statement took, and
   *  remembers their new states. `guarded`: planned from remembered states. */
  async function write(q: TxQuery, plan: ReturnType<typeof planWrite>, guarded = false): Promise<Set<string>> {
    if (!plan.params) return new Set();
    const rows = await q<ConversationRow>(writeSql({ guarded, withEvents: plan.withEvents }), plan.params);
    states?.remember(rows);
    return new Set(rows.map((r) => r.id));
  }

  async function writeLocked(reqs: SendRequest[]): Promise<SendOutcome[]> {
    return db.transaction(async (q) => {
      const plan = planWrite(reqs, await readLocked(q, reqs), attachmentUrl, withEvents());
      const taken = await write(q, plan);
      // Locked rows cannot change under the statement: a miss here is a bug, not a race.
      if (taken.size !== plan.conversations.size) throw new Error("locked write missed a conversation");
      return plan.outcomes();
    });
  }

  /** Answers the sends of these indexes again through `how`, in place. */
  async function redo(reqs: SendRequest[], out: SendOutcome[], which: number[], how: (r: SendRequest[]) => Promise<SendOutcome[]>) {
    const again = await how(which.map((i) => reqs[i]));
    which.forEach((i, k) => (out[i] = again[k]));
    return out;
  }

  /** Two round trips: a snapshot, then the write; missed conversations under the lock. */
  async function writeRead(reqs: SendRequest[]): Promise<SendOutcome[]> {
    const [row] = await db.query<{ convs: ConversationRow[]; dups: MessageRow[]; atts: AttachmentRow[] }>(
      SNAPSHOT_SQL, [conversationIds(reqs), ...keyParams(reqs), attachmentIds(reqs)],
    );
    const plan = planWrite(reqs, snapshot(row.convs, row.dups, row.atts), attachmentUrl, withEvents());
    const taken = await write(db.query, plan);
    stats.optimistic++;
    const missed = [...plan.conversations].filter((id) => !taken.has(id));
    if (plan.withEvents) events!.queued(); // committed (a relocked rest: by the next poll at the latest)
    if (!missed.length) return plan.outcomes();
    // Everything of the missed conversations is decided again under the lock, including
    // in-batch duplicates whose first copy was one of their sends.
    stats.relocked++;
    return redo(reqs, plan.outcomes(), plan.dependingOn(new Set(missed)), writeLocked);
  }

  async function writeBatch(reqs: SendRequest[]): Promise<SendOutcome[]> {
    const cached = states && !reqs.some((r) => r.attachmentId) ? states.all(conversationIds(reqs)) : null;
    if (!cached) return writeRead(reqs);
    const plan = planWrite(reqs, { convs: cached, stored: new Map(), atts: new Map() }, attachmentUrl, withEvents());
    if (plan.refuses) return writeRead(reqs); // a refusal must come from the database's state, not a memory
    const taken = await write(db.query, plan, true);
    stats.cached++;
    if (plan.withEvents) events!.queued();
    const missed = [...plan.conversations].filter((id) => !taken.has(id));
    if (!missed.length) return plan.outcomes();
    stats.cacheMissed++;
    states!.forget(missed);
    return redo(reqs, plan.outcomes(), plan.dependingOn(new Set(missed)), writeRead);
  }

  return { stats, writeBatch };
}

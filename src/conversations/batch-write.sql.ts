// The SQL of the message write path (batch-write.repository.ts). Every statement takes
// its rows as a few array parameters (ANY / unnest), never one placeholder per value:
// the SQL text is then the same for every batch size, and planning a 25-row batch costs
// what planning a 1-row batch does (with a placeholder per value, parse and plan time
// grew with the batch and dominated the write; BENCHMARKS.md).
import { messageEvents } from "../webhooks/outbox.sql.js";
import { MESSAGE_COLUMNS, MESSAGE_FROM } from "./messages.mapper.js";

const CONVERSATION_STATE = `SELECT id, visitor_id, agent_id, status, last_seq,
  first_visitor_at IS NOT NULL AS had_visitor, snoozed_at IS NOT NULL AS snoozed FROM conversation`;
/** Stored messages with the sends' (sender type, sender id, clientMsgId): $p, $p+1, $p+2. */
const storedDuplicates = (p: number) => `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM}
  JOIN unnest($${p}::text[], $${p + 1}::text[], $${p + 2}::text[]) AS k(t, s, c)
    ON m.sender_type = k.t AND m.sender_id = k.s AND m.client_msg_id = k.c`;
const attachments = (p: number) => `SELECT id, owner_type, owner_id, name, size, mime FROM attachment WHERE id = ANY($${p}::text[])`;

/** Everything a batch's rules need, in one round trip and one snapshot, no lock taken
 *  ($1 conversations; $2-$4 the sends' sender types, ids and clientMsgIds; $5 attachments). */
export const SNAPSHOT_SQL = `SELECT
  (SELECT COALESCE(json_agg(c), '[]') FROM (${CONVERSATION_STATE} WHERE id = ANY($1::text[])) c) AS convs,
  (SELECT COALESCE(json_agg(d), '[]') FROM (${storedDuplicates(2)}) d) AS dups,
  (SELECT COALESCE(json_agg(a), '[]') FROM (${attachments(5)}) a) AS atts`;

/** The same reads inside a transaction, the conversations locked in id order (which keeps
 *  two writers from deadlocking). */
export const LOCK_SQL = `${CONVERSATION_STATE} WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`;
export const DUPLICATES_SQL = storedDuplicates(1);
export const ATTACHMENTS_SQL = attachments(1);

/** What the write answers of each conversation it took: its state after the write, for
 *  the writer's cache of conversation states (batch-write.repository.ts). */
const RETURNED = `c.id, c.visitor_id, c.agent_id, c.status, c.last_seq,
      c.first_visitor_at IS NOT NULL AS had_visitor, c.snoozed_at IS NOT NULL AS snoozed`;

/**
 * Advances each conversation's last_seq and inserts its new rows, in one statement, for
 * exactly the conversations that are still as the batch's reads saw them (last_seq,
 * status, agent, snooze): a conversation another writer changed meanwhile is left whole,
 * rows and last_seq, and answered by its id's absence from the result. Also marks the
 * first visitor message and the first agent reply after it for the reports, and ends a
 * snooze on a visitor's message (src/reports, src/lifecycle).
 * `guarded`: the reads were the writer's cache, which knows no stored duplicates, so a
 * conversation one of whose sends is already stored (a retry) is left whole as well
 * (`stored`: one probe of the unique key per send, not per send and conversation).
 * $1-$10 the rows; $11 now; $12-$15 per conversation: id, new last_seq, first visitor /
 * first response marks; $16 conversations woken; $17-$20 what the reads saw.
 */
const writeSteps = (guarded: boolean) => `WITH ${guarded ? `stored AS MATERIALIZED (SELECT DISTINCT k.cid FROM unnest($2::text[], $4::text[], $5::text[], $7::text[]) AS k(cid, t, s, cm)
    JOIN message m ON m.sender_type = k.t AND m.sender_id = k.s AND m.client_msg_id = k.cm),
  ` : ""}upd AS (
    UPDATE conversation c SET last_seq = v.seq, updated_at = $11::timestamptz,
      first_visitor_at = CASE WHEN v.visitor THEN COALESCE(c.first_visitor_at, $11::timestamptz) ELSE c.first_visitor_at END,
      first_response_at = CASE WHEN v.responded THEN COALESCE(c.first_response_at, $11::timestamptz) ELSE c.first_response_at END,
      snoozed_at = CASE WHEN c.id = ANY($16::text[]) THEN NULL ELSE c.snoozed_at END,
      snooze_until = CASE WHEN c.id = ANY($16::text[]) THEN NULL ELSE c.snooze_until END
    FROM unnest($12::text[], $13::int[], $14::bool[], $15::bool[], $17::int[], $18::text[], $19::text[], $20::bool[])
      AS v(id, seq, visitor, responded, seen_seq, seen_status, seen_agent, seen_snoozed)
    WHERE c.id = v.id AND c.last_seq = v.seen_seq AND c.status = v.seen_status
      AND c.agent_id IS NOT DISTINCT FROM v.seen_agent AND (c.snoozed_at IS NOT NULL) = v.seen_snoozed${guarded ? `
      AND c.id NOT IN (SELECT cid FROM stored)` : ""}
    RETURNING ${RETURNED}),
  ins AS (
    INSERT INTO message (id, conversation_id, seq, sender_type, sender_id, sender_name, client_msg_id,
      type, body, attachment_id, created_at)
    SELECT u.*, $11::timestamptz FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[],
      $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
      AS u(id, conversation_id, seq, sender_type, sender_id, sender_name, client_msg_id, type, body, attachment_id)
    WHERE u.conversation_id IN (SELECT id FROM upd))`;

/** The write statement; `withEvents`: with the webhook outbox rows of the new messages in
 *  the same statement (src/webhooks), $21 the messages' event payloads, only used while
 *  some active webhook wants message.created. */
export function writeSql(o: { guarded: boolean; withEvents: boolean }): string {
  return WRITE_VARIANTS[Number(o.guarded) * 2 + Number(o.withEvents)];
}
const variant = (guarded: boolean, withEvents: boolean) => `${writeSteps(guarded)}${withEvents ? `,
  hooks AS (${messageEvents(21)})` : ""}
  SELECT * FROM upd`;
// Built once: the same text each time, for the driver and the server.
const WRITE_VARIANTS = [variant(false, false), variant(false, true), variant(true, false), variant(true, true)];

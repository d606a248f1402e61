// Database rows to wire shapes (PROTOCOL.md "Types").
import type { Attachment, Message, MessageType } from "../events.js";

export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  sender_type: string;
  sender_id: string;
  sender_name: string;
  client_msg_id: string;
  type: string;
  body: string;
  attachment_id: string | null;
  created_at: Date | string;
  a_name?: string | null;
  a_size?: number | null;
  a_mime?: string | null;
}

export const attachmentPath = (id: string) => `/uploads/${id}`;
/** The `url` an attachment is handed out with: a signed, expiring link (uploads/upload-links.ts). */
export type AttachmentUrl = (id: string) => string;

export function toAttachment(a: { id: string; name: string; size: number; mime: string }, url: AttachmentUrl): Attachment {
  return { id: a.id, url: url(a.id), name: a.name, size: Number(a.size), mime: a.mime };
}

/** What CREATED_AT_ISO gives: the wire's own form, taken as it is. */
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

export function toMessage(r: MessageRow, url: AttachmentUrl): Message {
  const m: Message = {
    id: r.id,
    conversationId: r.conversation_id,
    seq: Number(r.seq),
    clientMsgId: r.client_msg_id,
    sender: { type: r.sender_type as Message["sender"]["type"], id: r.sender_id, name: r.sender_name },
    type: r.type as MessageType,
    body: r.body,
    createdAt: typeof r.created_at === "string" && ISO_UTC.test(r.created_at) ? r.created_at : new Date(r.created_at).toISOString(),
  };
  if (r.attachment_id && r.a_name != null) {
    m.attachment = toAttachment({ id: r.attachment_id, name: r.a_name, size: Number(r.a_size), mime: r.a_mime ?? "application/octet-stream" }, url);
  }
  return m;
}

/** Columns selected wherever messages are read, so every reader maps the same way. */
// created_at leaves the database as the wire's ISO text: the driver's timestamptz parse
// and a Date per row were 40 % of the driver's time for a 500-message sync.
const CREATED_AT_ISO = `to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at`;
export const MESSAGE_COLUMNS = `m.id, m.conversation_id, m.seq, m.sender_type, m.sender_id, m.sender_name,
  m.client_msg_id, m.type, m.body, m.attachment_id, ${CREATED_AT_ISO},
  a.name AS a_name, a.size AS a_size, a.mime AS a_mime`;
export const MESSAGE_FROM = `message m LEFT JOIN attachment a ON a.id = m.attachment_id`;

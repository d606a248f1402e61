// The REST conversation list as SQL, free of I/O (unit-tested on its own). Each filter
// adds one condition and its parameters, so a new filter (a label, say) is one more
// entry in `conditions`. The order is (created_at, id), which never changes for a row:
// a page's cursor is its last row's pair, and the next page starts strictly after it,
// so rows are never skipped or repeated across pages, whatever changes meanwhile.
import { validation } from "../lib/errors.js";

export interface ListFilter {
  status?: "waiting" | "open" | "resolved";
  /** Only conversations carrying this label (src/labels). */
  label?: string;
  /** An agent sees its own conversations and the queue, as on the sockets; unset: all. */
  agentScope?: string;
  after?: Cursor;
  limit: number;
}
export interface Cursor {
  createdAt: string;
  id: string;
}

export const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.createdAt, c.id])).toString("base64url");

/** A cursor this server gave out, or VALIDATION (a cursor is opaque to clients). */
export function decodeCursor(raw: string): Cursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as unknown[];
    if (typeof createdAt === "string" && typeof id === "string" && !Number.isNaN(Date.parse(createdAt)) && id.length <= 64)
      return { createdAt, id };
  } catch {
    // falls through to the refusal
  }
  throw validation("after: not a cursor of this API");
}

/** The WHERE clause and its parameters ($1...), and the LIMIT (one more row than the
 *  page: whether there is a next page). */
export function listQuery(f: ListFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const conditions: string[] = [];
  if (f.status) conditions.push(`c.status = ${p(f.status)}`);
  if (f.label) conditions.push(`EXISTS (SELECT 1 FROM conversation_label cl WHERE cl.conversation_id = c.id AND cl.label_id = ${p(f.label)})`);
  if (f.agentScope) conditions.push(`(c.agent_id = ${p(f.agentScope)} OR c.status = 'waiting')`);
  if (f.after) conditions.push(`(c.created_at, c.id) > (${p(f.after.createdAt)}::timestamptz, ${p(f.after.id)})`);
  const where = `${conditions.length ? conditions.join(" AND ") : "TRUE"} ORDER BY c.created_at, c.id LIMIT ${p(f.limit + 1)}::int`;
  return { where, params };
}

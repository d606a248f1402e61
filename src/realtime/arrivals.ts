// What a visitor's handshake and its `ready` need from the database, read by one grouped
// query for every visitor handshake of a batch (lib/batch-loader.ts): that the visitor
// exists, its name, and its waiting or open conversation (at most one: a partial unique
// index). The token itself is checked by its HMAC with no read (accounts/tokens.ts).
// The conversation is kept for the socket's `ready` (connections.ts), which follows
// within the same few milliseconds: a reconnect storm costs one query per batch of
// handshakes instead of two per handshake, on the raw driver rather than through Prisma.
import type { ConversationRow } from "../conversations/conversations.repository.js";
import { CONVERSATION_COLUMNS } from "../conversations/conversations.repository.js";
import { createBatchLoader } from "../lib/batch-loader.js";
import type { Database } from "../lib/db.js";
import type { AppSocket } from "./types.js";

const ARRIVALS = `SELECT v.id AS arriving_id, v.name AS arriving_name, ${CONVERSATION_COLUMNS}
  FROM visitor v
  LEFT JOIN conversation c ON c.visitor_id = v.id AND c.status IN ('waiting', 'open')
  LEFT JOIN agent a ON a.id = c.agent_id
  WHERE v.id = ANY($1::text[])`;

type Row = ConversationRow & { arriving_id: string; arriving_name: string | null };
export interface Arrival {
  name: string | null;
  conversation: ConversationRow | null;
}

export function createArrivals(db: Pick<Database, "query" | "kind">) {
  const loader = createBatchLoader<string, Arrival>(async (ids) => {
    const rows = await db.query<Row>(ARRIVALS, [ids]);
    return new Map(rows.map(({ arriving_id, arriving_name, ...c }) => [arriving_id, { name: arriving_name, conversation: c.id ? c : null }]));
  }, { concurrency: db.kind === "pglite" ? 1 : 2, maxBatch: 500, lingerMs: 5 });
  const read = new WeakMap<AppSocket, ConversationRow | null>();

  return {
    /** The visitor of a verified token, or null if there is none; remembers its
     *  conversation for the socket's `ready`. */
    async visitor(socket: AppSocket, visitorId: string): Promise<Arrival | null> {
      const a = await loader.load(visitorId);
      if (!a) return null;
      read.set(socket, a.conversation);
      return a;
    },
    /** The conversation read with this socket's handshake, once; undefined when none was
     *  read (an agent, or a handshake that did not come through visitor()). */
    take(socket: AppSocket): ConversationRow | null | undefined {
      const c = read.get(socket);
      read.delete(socket);
      return c;
    },
  };
}
export type Arrivals = ReturnType<typeof createArrivals>;

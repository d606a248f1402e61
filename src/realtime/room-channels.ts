// Per-conversation traffic between nodes: one Redis channel per conversation room, which a
// node is subscribed to while it holds at least one socket of that room in either namespace
// (the adapters' create-room / delete-room events), so a node hears only the conversations
// it has followers of: a node with no socket of a conversation does no work for it (the
// adapter's broadcasts and serverSideEmit reach every node; see BENCHMARKS.md, "Fan-out").
// Not the adapter's sharded mode: a message needs a per-socket ack and retry on the
// receiving node (delivery.ts), which a room broadcast does not give, and serverSideEmit
// stays per-namespace there too. The publisher hears its own publish (it follows the room
// too); the frame names its origin and that echo is dropped: the local sockets were served
// synchronously when the event happened.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Message, PresencePayload, ReceiptPayload, TypingPayload } from "../events.js";
import { conversationsIn } from "./rooms.js";
import type { AppNamespace, ParticipantKind } from "./types.js";

/** What travels on a conversation's channel: the origin node's id (36 characters), then the
 *  event as JSON, so that a node drops its own echo without parsing it. */
export type RoomEvent =
  | { k: "message"; m: Message; except: string | null }
  | { k: "receipt"; p: ReceiptPayload }
  | { k: "typing"; p: TypingPayload; to: ParticipantKind }
  | { k: "presence"; p: PresencePayload & { conversationId: string }; to: ParticipantKind };

export interface RoomChannels {
  publish(conversationId: string, e: RoomEvent): void;
  stats: { published: number; received: number; echoes: number; channels: number };
}

export function createRoomChannels(d: {
  pub: Redis;
  sub: Redis;
  prefix: string;
  visitors: AppNamespace;
  agents: AppNamespace;
  /** An event of another node, for this node's sockets of the conversation. */
  onEvent: (e: RoomEvent) => void;
  onError?: (err: unknown) => void;
}): RoomChannels {
  const origin = randomUUID();
  const originBytes = Buffer.from(origin);
  const channelPrefix = `${d.prefix}room:`; // outside the adapter's pattern (`<prefix>socket.io#...`)
  /** The conversations this node should hear: bounded by the rooms it holds. */
  const wanted = new Set<string>();
  /** Conversations whose UNSUBSCRIBE failed (Redis away): said again once it is back. */
  const stale = new Set<string>();
  const stats = { published: 0, received: 0, echoes: 0, channels: 0 };
  const fail = (err: unknown) => d.onError?.(err);
  const held = (room: string) => d.visitors.adapter.rooms.has(room) || d.agents.adapter.rooms.has(room);

  // A room of either namespace appears or goes: the union of the two decides (refcount by
  // lookup, O(1)); the socket's own room and the other kinds are not conversations.
  function changed(room: string) {
    const [cid] = conversationsIn([room]);
    if (cid === undefined) return;
    if (held(room) === wanted.has(cid)) return;
    if (wanted.has(cid)) {
      wanted.delete(cid);
      d.sub.unsubscribe(channelPrefix + cid).catch((err) => (stale.add(cid), fail(err)));
    } else {
      wanted.add(cid);
      stale.delete(cid);
      d.sub.subscribe(channelPrefix + cid).catch(fail);
    }
    stats.channels = wanted.size;
  }
  for (const nsp of [d.visitors, d.agents]) {
    nsp.adapter.on("create-room", changed);
    nsp.adapter.on("delete-room", changed);
  }

  // ioredis re-subscribes by itself after a reconnect, but only to what Redis had confirmed:
  // a SUBSCRIBE that failed during the outage (offline queue, retries spent) is lost, and an
  // UNSUBSCRIBE that failed leaves one too many. Once ready again, say it all anew (idempotent).
  let down = false;
  d.sub.on("close", () => void (down = true));
  d.sub.on("ready", () => {
    if (!down) return;
    down = false;
    const say = (cmd: "subscribe" | "unsubscribe", cids: Iterable<string>) => {
      const all = [...cids].map((cid) => channelPrefix + cid);
      for (let i = 0; i < all.length; i += 1000) d.sub[cmd](...all.slice(i, i + 1000)).catch(fail);
    };
    say("unsubscribe", stale);
    stale.clear();
    say("subscribe", wanted);
  });

  d.sub.on("messageBuffer", (channel: Buffer, payload: Buffer) => {
    const name = channel.toString();
    if (!name.startsWith(channelPrefix)) return; // the adapter's request/response channels
    if (originBytes.equals(payload.subarray(0, originBytes.length))) return void stats.echoes++;
    if (!wanted.has(name.slice(channelPrefix.length))) return; // unsubscribe in flight
    let e: RoomEvent;
    try {
      e = JSON.parse(payload.subarray(originBytes.length).toString()) as RoomEvent;
    } catch (err) {
      return fail(err);
    }
    stats.received++;
    d.onEvent(e);
  });

  return {
    stats,
    publish(cid, e) {
      stats.published++;
      // Fire and forget: a failure is an outage, which catch-up.ts repairs for messages.
      d.pub.publish(channelPrefix + cid, origin + JSON.stringify(e)).catch(() => {});
    },
  };
}

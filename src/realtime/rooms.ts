// Room names: only the realtime module builds or reads them. A participant's own room
// holds all of its devices (on every node, with the Redis adapter); a conversation's
// room holds whoever follows it; "agents" is the queue's audience, "admins" the admins.
import type { ParticipantKind } from "./types.js";

const CONVERSATION = "conversation:";

export const conversationRoom = (id: string) => `${CONVERSATION}${id}`;
export const participantRoom = (kind: ParticipantKind, id: string) => `${kind}:${id}`;
/** The sockets of one console session (cookie-authenticated), so logout can close them. */
export const sessionRoom = (sid: string) => `session:${sid}`;
/** The sockets opened with one agent token, so that its revocation can close them. */
export const tokenRoom = (tokenId: string) => `token:${tokenId}`;
export const AGENTS = "agents";
export const ADMINS = "admins";

/** The conversations among a socket's rooms. */
export function conversationsIn(rooms: Iterable<string>): string[] {
  const ids: string[] = [];
  for (const r of rooms) if (r.startsWith(CONVERSATION)) ids.push(r.slice(CONVERSATION.length));
  return ids;
}

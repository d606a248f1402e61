// Who counts as "an agent is there": the presence store's available agents (online or
// unstable, not away, a live device) who take chats (agent.takes_chats). The one place
// that judges it: the queue assigns only these, the widget says "online" only for these,
// and waiting-chat emails go out when there are none. An agent who does not take chats
// (an admin who only configures, the generated first admin until they choose) can still
// claim a conversation by hand.
import type { PresenceStore } from "../presence/presence.types.js";

export interface AssignableDeps {
  presence: Pick<PresenceStore, "availableAgents">;
  /** The active agents among these ids whose takes_chats is true. */
  takingChats(ids: string[]): Promise<string[]>;
}

export function createAssignable(d: AssignableDeps) {
  return {
    async availableAgents(): Promise<string[]> {
      const ids = await d.presence.availableAgents();
      return ids.length ? d.takingChats(ids) : [];
    },
  };
}
export type Assignable = ReturnType<typeof createAssignable>;

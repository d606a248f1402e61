// Agent-only events: claim, transfer, resolve, and the agent's own status.
import type { PresenceStore } from "../presence/presence.types.js";
import { actorOf, type On } from "../realtime/handlers.js";
import type { AppSocket } from "../realtime/types.js";
import { AgentStatusSchema, ConversationIdSchema, TakesChatsSchema, TransferSchema } from "./assignment.schemas.js";
import type { AssignmentService } from "./assignment.service.js";

export function createAssignmentHandlers(on: On, assignment: AssignmentService, presence: Pick<PresenceStore, "setAgentStatus">) {
  return function register(socket: AppSocket) {
    on(socket, "conversation:claim", ConversationIdSchema, async (p) => ({
      conversation: await assignment.claim(actorOf(socket), p.conversationId),
    }));
    on(socket, "conversation:transfer", TransferSchema, async (p) => ({
      conversation: await assignment.transfer(actorOf(socket), p.conversationId, p.toAgentId),
    }));
    on(socket, "conversation:resolve", ConversationIdSchema, async (p) => ({
      conversation: await assignment.resolve(actorOf(socket), p.conversationId),
    }));
    on(socket, "agent:status", AgentStatusSchema, async (p) => {
      await presence.setAgentStatus(socket.data.id, p.status);
      if (p.status === "online") void assignment.assignWaiting();
      return {};
    });
    on(socket, "agent:takesChats", TakesChatsSchema, async (p) => {
      await assignment.setTakesChats(socket.data.id, p.takesChats);
      return {};
    });
  };
}

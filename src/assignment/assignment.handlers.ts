// Agent-only events: claim, transfer, resolve, and the agent's own status.
import { actorOf } from "../conversations/conversations.handlers.js";
import { AgentStatusSchema, ConversationIdSchema, TransferSchema } from "../conversations/conversations.schemas.js";
import type { AppSocket, On } from "../lib/socket.js";
import type { PresenceStore } from "../presence/presence.types.js";
import type { AssignmentService } from "./assignment.service.js";

export function createAssignmentHandlers(on: On, assignment: AssignmentService, presence: PresenceStore) {
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
  };
}

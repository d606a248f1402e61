// Payload schemas of the agent-only events (claim, transfer, resolve, own status).
// Strict objects: unknown keys are junk and refused with VALIDATION.
import { z } from "zod";
import { IdSchema as id } from "../conversations/conversations.schemas.js";

export const ConversationIdSchema = z.strictObject({ conversationId: id });
export const TransferSchema = z.strictObject({ conversationId: id, toAgentId: id });
export const TakesChatsSchema = z.strictObject({ takesChats: z.boolean() });
export const AgentStatusSchema = z.strictObject({ status: z.enum(["online", "away"]) });

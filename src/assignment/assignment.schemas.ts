// Payload schemas of the agent-only events (claim, transfer, resolve, own status).
// Strict objects: unknown keys are junk and refused with VALIDATION.
import { z } from "zod";

const id = z.string().min(1).max(64);

export const ConversationIdSchema = z.strictObject({ conversationId: id });
export const TransferSchema = z.strictObject({ conversationId: id, toAgentId: id });
export const AgentStatusSchema = z.strictObject({ status: z.enum(["online", "away"]) });

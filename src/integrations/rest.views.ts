// Schemas of what the REST API answers, for the OpenAPI document (openapi.ts) and for
// the tests, which parse real answers with them: a field the document names and the
// server stops sending fails a test. The shapes are the contract's (PROTOCOL.md section 3).
import { z } from "zod";

const iso = z.string().describe("ISO 8601 time");
const party = z.object({ id: z.string(), name: z.string() });

export const MessageView = z.object({
  id: z.string(),
  conversationId: z.string(),
  seq: z.number().int(),
  clientMsgId: z.string(),
  sender: party.extend({ type: z.enum(["visitor", "agent", "system"]) }),
  type: z.enum(["text", "image", "file", "card", "system"]),
  body: z.string(),
  attachment: z.object({ id: z.string(), url: z.string(), name: z.string(), size: z.number(), mime: z.string() }).optional(),
  createdAt: iso,
});

export const ConversationView = z.object({
  id: z.string(),
  status: z.enum(["waiting", "open", "resolved"]),
  visitor: party.extend({ presence: z.enum(["online", "unstable", "offline", "left"]) }),
  agent: party.nullable(),
  lastSeq: z.number().int(),
  createdAt: iso,
  updatedAt: iso,
  labels: z.array(z.object({ id: z.string(), name: z.string(), colour: z.string() })).optional().describe("its labels (an addition)"),
});

export const ConversationPage = z.object({
  conversations: z.array(ConversationView),
  hasMore: z.boolean(),
  next: z.string().nullable().describe("pass as `after` for the next page; null on the last"),
});
export const MessagePage = z.object({ messages: z.array(MessageView), lastSeq: z.number().int(), hasMore: z.boolean() });
export const PostedMessage = z.object({ message: MessageView, duplicate: z.boolean() });
export const OneConversation = z.object({ conversation: ConversationView });
export const LabelView = z.object({ id: z.string(), name: z.string(), colour: z.string() });
export const LabelList = z.object({ labels: z.array(LabelView) });
export const ConversationLabels = z.object({ labels: z.array(LabelView), conversation: ConversationView });

export const ApiKeyView = z.object({ id: z.string(), name: z.string(), prefix: z.string(), createdAt: iso, lastUsedAt: iso.nullable() });
export const CreatedApiKey = z.object({ apiKey: ApiKeyView, key: z.string().describe("shown this once: only its hash is kept") });
export const ApiKeyList = z.object({ apiKeys: z.array(ApiKeyView) });

export const ErrorView = z.object({
  error: z.object({
    code: z.enum(["VALIDATION", "AUTH_REQUIRED", "AUTH_INVALID", "FORBIDDEN", "NOT_FOUND", "RATE_LIMITED", "CONTENT_BLOCKED", "CONFLICT", "UNAVAILABLE", "INTERNAL"]),
    message: z.string(),
    retryAfterMs: z.number().optional(),
  }),
});

// Builds repositories and services on top of the infrastructure and the Socket.IO
// server: the object graph that handlers and routes receive.
import { createAccountsRepository } from "./accounts/accounts.repository.js";
import { createAccountsService } from "./accounts/accounts.service.js";
import { createTokens } from "./accounts/tokens.js";
import { createAssignmentService } from "./assignment/assignment.service.js";
import { createConversationsRepository } from "./conversations/conversations.repository.js";
import { createConversationsService } from "./conversations/conversations.service.js";
import { createDelivery, type Io } from "./conversations/delivery.js";
import { createMessageWriter } from "./conversations/message-writer.js";
import { createMessagesRepository } from "./conversations/messages.repository.js";
import type { Infra } from "./deps.js";
import { createContentFilter } from "./moderation/content-filter.js";
import { createSettingsRepository } from "./settings/settings.repository.js";
import { createSettingsService } from "./settings/settings.service.js";
import { createCannedRepository } from "./canned/canned.repository.js";

export function buildServices(infra: Infra, io: Io) {
  const { db, log, config, presence } = infra;
  const repos = {
    accounts: createAccountsRepository(db.prisma),
    conversations: createConversationsRepository(db.prisma),
    messages: createMessagesRepository(db),
    settings: createSettingsRepository(db.prisma),
    canned: createCannedRepository(db.prisma),
  };
  const settings = createSettingsService(repos.settings);
  const tokens = createTokens(infra.sessionSecret);
  const accounts = createAccountsService(repos.accounts, tokens, log);
  const writer = createMessageWriter(repos.messages, log, {
    concurrency: db.kind === "pglite" ? 1 : 4,
    maxBatch: 200,
    maxQueue: 10_000,
  });
  const delivery = createDelivery(io, config.deliveryRetryMs, !!infra.redis);
  const filter = createContentFilter();
  let assignment: ReturnType<typeof createAssignmentService>;
  const conversations = createConversationsService({
    conversations: repos.conversations,
    messages: repos.messages,
    writer,
    delivery,
    presence,
    filter,
    log,
    onCreated: (id) => assignment.conversationCreated(id).catch((err) => log.error("assignment failed", { err })),
  });
  assignment = createAssignmentService({
    prisma: db.prisma,
    conversations: repos.conversations,
    accounts: repos.accounts,
    service: conversations,
    writer,
    delivery,
    presence,
    log,
  });
  return { ...infra, repos, tokens, accounts, writer, delivery, filter, conversations, assignment, settings, io };
}
export type Deps = ReturnType<typeof buildServices>;
